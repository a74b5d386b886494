package io.raftkv.raft;

import io.raftkv.raft.message.InstallSnapshot;
import io.raftkv.raft.message.Message;

import java.util.List;

/**
 * A batch of work the core hands to its caller (etcd's "Ready"). The caller must:
 * <ol>
 *   <li>send {@link #messages()} at any time, even before persisting (this lets the leader write its own log
 *       in parallel with replication, thesis §10.2.1);</li>
 *   <li>persist, in this order and durably: {@link #snapshotChunks()} (bytes of a snapshot being received),
 *       {@link #snapshot()} (a received snapshot that is now complete: make it current and discard the log it
 *       covers), {@link #entries()} (truncating any stored suffix from the first entry's index), and
 *       {@link #hardState()};</li>
 *   <li>only then send {@link #messagesAfterPersist()} (votes and acknowledgements that promise durability)
 *       and call {@link RaftNode#persisted(Ready)};</li>
 *   <li>restore the state machine from {@link #snapshot()} if set, then apply {@link #committedEntries()} in
 *       order (these are always durable locally already) and report progress with
 *       {@link RaftNode#applied(long)};</li>
 *   <li>answer {@link #readStates()}: each read may be served once the applied index reaches its index.</li>
 * </ol>
 * Several Readys may be outstanding; they must be persisted in the order they were produced, and a Ready's
 * {@code messagesAfterPersist} may leave only when it and every earlier Ready are durable (even if it has
 * nothing to persist itself: an acknowledgement may vouch for entries an earlier Ready carried).
 */
public record Ready(HardState hardState, List<InstallSnapshot> snapshotChunks, SnapshotMeta snapshot,
                    List<Entry> entries, List<Message> messages, List<Message> messagesAfterPersist,
                    List<Entry> committedEntries, List<ReadState> readStates) {

    /** True if anything must be written (and synced) before {@link #messagesAfterPersist()} may be sent. */
    public boolean mustPersist() {
        return hardState != null || snapshot != null || !entries.isEmpty() || !snapshotChunks.isEmpty();
    }

    /** The last log entry this Ready persists, or null. */
    public Entry lastEntry() {
        return entries.isEmpty() ? null : entries.get(entries.size() - 1);
    }
}
