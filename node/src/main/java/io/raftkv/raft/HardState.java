package io.raftkv.raft;

/**
 * The state Raft must make durable before answering any message that depends on it (Figure 2,
 * "Persistent state on all servers"): current term and vote. The commit index is persisted alongside
 * so that a restarted node can re-apply without waiting for the leader; it is never required for safety.
 *
 * @param vote the candidate voted for in {@code term}, or {@link RaftNode#NONE}
 */
public record HardState(long term, long vote, long commit) {
    public static final HardState EMPTY = new HardState(0, RaftNode.NONE, 0);
}
