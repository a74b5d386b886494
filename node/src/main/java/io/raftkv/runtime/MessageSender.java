package io.raftkv.runtime;

import io.raftkv.raft.message.Message;

import java.util.List;

/** Delivers Raft messages to peers. Never blocks; may drop messages (Raft retransmits what matters). */
@FunctionalInterface
public interface MessageSender {
    void send(List<Message> messages);
}
