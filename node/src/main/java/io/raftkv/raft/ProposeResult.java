package io.raftkv.raft;

/**
 * What became of a proposal. When accepted, the entry will be committed at ({@code index}, {@code term}) or
 * not at all: if a different entry is later applied at {@code index}, the proposal was lost.
 */
public record ProposeResult(Status status, long index, long term, long leaderHint, String reason) {
    public enum Status {
        ACCEPTED,
        /** This node is not the leader; {@code leaderHint} names the leader if known (else {@link RaftNode#NONE}). */
        NOT_LEADER,
        /** A leadership transfer is in progress; retry shortly. */
        TRANSFERRING,
        /** Too many uncommitted bytes in flight (backpressure); retry later. */
        BACKPRESSURE,
        /** The request is malformed or not allowed now ({@code reason} says why). */
        REJECTED
    }

    public boolean accepted() {
        return status == Status.ACCEPTED;
    }

    static ProposeResult accepted(long index, long term, long leader) {
        return new ProposeResult(Status.ACCEPTED, index, term, leader, "");
    }

    static ProposeResult refused(Status status, long leader, String reason) {
        return new ProposeResult(status, 0, 0, leader, reason);
    }
}
