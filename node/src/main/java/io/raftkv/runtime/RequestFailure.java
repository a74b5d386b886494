package io.raftkv.runtime;

import io.raftkv.raft.RaftNode;

/**
 * Why a request could not be served. The API layers map each {@link Reason} to one documented gRPC status
 * (see raftkv.proto) or HTTP status; {@link Reason#retryable()} tells clients whether trying again may help.
 */
public final class RequestFailure extends RuntimeException {

    public enum Reason {
        /** This node is not the leader; {@link #leaderId()} names it when known. */
        NOT_LEADER(true),
        /** No leader is known: an election is running or there is no quorum. */
        NO_LEADER(true),
        /** A new leader overwrote the proposal before it committed, or its outcome cannot be known here. */
        PROPOSAL_LOST(true),
        /** Too much uncommitted data or too many waiting requests. */
        BACKPRESSURE(true),
        /** The disk is (nearly) full or failing: writes are refused. */
        DISK_ALARM(true),
        /** The request's deadline passed before it was answered. */
        TIMEOUT(true),
        /** The node is stopping. */
        SHUTTING_DOWN(true),
        /** The request is malformed. */
        INVALID_ARGUMENT(false),
        /** A membership or leadership change is not possible now; the message says why. */
        MEMBERSHIP(false);

        private final boolean retryable;

        Reason(boolean retryable) {
            this.retryable = retryable;
        }

        public boolean retryable() {
            return retryable;
        }
    }

    private final Reason reason;
    private final long leaderId;

    public RequestFailure(Reason reason, String message) {
        this(reason, message, RaftNode.NONE);
    }

    public RequestFailure(Reason reason, String message, long leaderId) {
        super(message, null, false, false);
        this.reason = reason;
        this.leaderId = leaderId;
    }

    public Reason reason() {
        return reason;
    }

    /** The leader's ID when known (for NOT_LEADER), else {@link RaftNode#NONE}. */
    public long leaderId() {
        return leaderId;
    }

    public static RequestFailure notLeader(long leaderId) {
        if (leaderId == RaftNode.NONE) {
            return new RequestFailure(Reason.NO_LEADER, "no leader is known (election in progress or no quorum)");
        }
        return new RequestFailure(Reason.NOT_LEADER, "this node is not the leader; node " + leaderId + " is",
                leaderId);
    }
}
