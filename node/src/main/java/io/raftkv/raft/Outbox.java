package io.raftkv.raft;

import io.raftkv.raft.message.InstallSnapshot;
import io.raftkv.raft.message.Message;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The output collected since the last {@link Ready}: what the node's parts want sent, persisted or answered.
 * Each {@link #take} hands the lists over and starts new ones, so a Ready never changes after it was handed out.
 */
final class Outbox {
    private List<Message> messages = new ArrayList<>();
    private List<Message> messagesAfterPersist = new ArrayList<>();
    private List<InstallSnapshot> snapshotChunks = new ArrayList<>();
    private SnapshotMeta installedSnapshot;
    private List<ReadState> readStates = new ArrayList<>();

    /** A message that may leave at once. */
    void send(Message m) {
        messages.add(m);
    }

    /** A message that promises durability (a vote, an acknowledgement): it leaves once the Ready is persisted. */
    void sendAfterPersist(Message m) {
        messagesAfterPersist.add(m);
    }

    /** A chunk of a snapshot being received, to persist. */
    void persistSnapshotChunk(InstallSnapshot chunk) {
        snapshotChunks.add(chunk);
    }

    /** A received snapshot is complete: the caller makes it current and restores the state machine from it. */
    void installSnapshot(SnapshotMeta meta) {
        installedSnapshot = meta;
    }

    /** The answer to a local read request. */
    void answerRead(ReadState r) {
        readStates.add(r);
    }

    boolean isEmpty() {
        return messages.isEmpty() && messagesAfterPersist.isEmpty() && snapshotChunks.isEmpty()
                && installedSnapshot == null && readStates.isEmpty();
    }

    /** Hands everything collected to a new Ready with the given persistent state and entries. */
    Ready take(HardState hardState, List<Entry> unstable, List<Entry> committed) {
        Ready r = new Ready(hardState, handOut(snapshotChunks), installedSnapshot, unstable, handOut(messages),
                handOut(messagesAfterPersist), committed, handOut(readStates));
        snapshotChunks = new ArrayList<>();
        installedSnapshot = null;
        messages = new ArrayList<>();
        messagesAfterPersist = new ArrayList<>();
        readStates = new ArrayList<>();
        return r;
    }

    /** A Ready never changes after it was handed out: the outbox keeps no reference to the lists it gives away. */
    private static <T> List<T> handOut(List<T> pending) {
        return pending.isEmpty() ? List.of() : Collections.unmodifiableList(pending);
    }
}
