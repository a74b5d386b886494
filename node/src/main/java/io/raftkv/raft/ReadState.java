package io.raftkv.raft;

/**
 * The outcome of a {@link RaftNode#readIndex(long)} request. When {@code status} is {@link Status#OK}, the
 * read may be served once the local state machine has applied through {@code index} (thesis §6.4).
 */
public record ReadState(long requestId, long index, Status status, long leaderHint) {
    public enum Status {
        OK,
        /** No leader is known, or this node lost leadership before the read was confirmed; retry elsewhere. */
        NOT_LEADER
    }
}
