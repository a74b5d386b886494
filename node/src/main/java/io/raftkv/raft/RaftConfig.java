package io.raftkv.raft;

/**
 * Tuning of one Raft node. Time is counted in ticks of the caller's clock; the core never reads a clock.
 *
 * @param id                    this node's ID (never {@link RaftNode#NONE}, never reused after removal)
 * @param electionTicks         base election timeout; each timeout is drawn at random from
 *                              [electionTicks, 2*electionTicks) (§5.2)
 * @param heartbeatTicks        how often an idle leader contacts each follower
 * @param preVote               run a PreVote round before disrupting the cluster with a new term (thesis §9.6)
 * @param checkQuorum           a leader that hears from no majority for an election timeout steps down, and
 *                              followers that hear from a leader ignore vote requests (thesis §6.2, §4.2.3)
 * @param maxMessageBytes       most entry bytes in one AppendEntries (batching); also the snapshot chunk size
 * @param maxInflightMessages   most unacknowledged AppendEntries per follower when pipelining
 * @param maxInflightBytes      most unacknowledged entry bytes per follower
 * @param maxUncommittedBytes   proposals are refused (backpressure) while this many bytes are uncommitted
 * @param maxIncomingEntryBytes an AppendEntries carrying more entry bytes than this is rejected as oversized
 * @param eagerCommit           tell followers about a new commit index at once (else with the next message)
 * @param quorumFanout          send new entries at once only to as many followers as a quorum needs (the most
 *                              responsive ones); the others catch up in batches at heartbeat time. Fewer
 *                              messages, slower followers; for message-metered settings
 * @param seed                  seed for the randomized election timeouts
 */
public record RaftConfig(long id, int electionTicks, int heartbeatTicks, boolean preVote, boolean checkQuorum,
                         int maxMessageBytes, int maxInflightMessages, long maxInflightBytes,
                         long maxUncommittedBytes, long maxIncomingEntryBytes, boolean eagerCommit,
                         boolean quorumFanout, long seed) {

    public RaftConfig {
        if (id == RaftNode.NONE) {
            throw new IllegalArgumentException("node id must not be " + RaftNode.NONE);
        }
        if (heartbeatTicks < 1 || electionTicks <= heartbeatTicks) {
            throw new IllegalArgumentException("need 1 <= heartbeatTicks < electionTicks, got heartbeat="
                    + heartbeatTicks + " election=" + electionTicks);
        }
        if (maxMessageBytes < 1 || maxInflightMessages < 1 || maxInflightBytes < 1 || maxUncommittedBytes < 1
                || maxIncomingEntryBytes < maxMessageBytes) {
            throw new IllegalArgumentException("limits must be positive and maxIncomingEntryBytes >= maxMessageBytes");
        }
    }

    /** Defaults for a server: 10-tick elections, 1-tick heartbeats, 1 MiB messages, 256 in flight. */
    public static RaftConfig defaults(long id, long seed) {
        return new RaftConfig(id, 10, 1, true, true, 1 << 20, 256, 32L << 20, 64L << 20, 8L << 20, true, false, seed);
    }

    public RaftConfig withTicks(int election, int heartbeat) {
        return new RaftConfig(id, election, heartbeat, preVote, checkQuorum, maxMessageBytes, maxInflightMessages,
                maxInflightBytes, maxUncommittedBytes, maxIncomingEntryBytes, eagerCommit, quorumFanout, seed);
    }

    public RaftConfig withMessageLimits(int maxMessageBytes, int maxInflightMessages, long maxInflightBytes,
                                        long maxUncommittedBytes) {
        return new RaftConfig(id, electionTicks, heartbeatTicks, preVote, checkQuorum, maxMessageBytes,
                maxInflightMessages, maxInflightBytes, maxUncommittedBytes,
                Math.max(maxIncomingEntryBytes, maxMessageBytes), eagerCommit, quorumFanout, seed);
    }

    public RaftConfig withEagerCommit(boolean eager) {
        return new RaftConfig(id, electionTicks, heartbeatTicks, preVote, checkQuorum, maxMessageBytes,
                maxInflightMessages, maxInflightBytes, maxUncommittedBytes, maxIncomingEntryBytes, eager, quorumFanout, seed);
    }

    public RaftConfig withPreVoteAndCheckQuorum(boolean preVote, boolean checkQuorum) {
        return new RaftConfig(id, electionTicks, heartbeatTicks, preVote, checkQuorum, maxMessageBytes,
                maxInflightMessages, maxInflightBytes, maxUncommittedBytes, maxIncomingEntryBytes, eagerCommit, quorumFanout, seed);
    }

    public RaftConfig withQuorumFanout(boolean fanout) {
        return new RaftConfig(id, electionTicks, heartbeatTicks, preVote, checkQuorum, maxMessageBytes,
                maxInflightMessages, maxInflightBytes, maxUncommittedBytes, maxIncomingEntryBytes, eagerCommit, fanout,
                seed);
    }

    public RaftConfig withSeed(long newSeed) {
        return new RaftConfig(id, electionTicks, heartbeatTicks, preVote, checkQuorum, maxMessageBytes,
                maxInflightMessages, maxInflightBytes, maxUncommittedBytes, maxIncomingEntryBytes, eagerCommit,
                quorumFanout, newSeed);
    }
}
