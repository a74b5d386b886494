package io.raftkv.sim;

import io.raftkv.raft.RaftConfig;

/**
 * The fixed parameters of a simulated cluster.
 *
 * @param raft             the Raft configuration every node uses (its id and seed are replaced per node)
 * @param tickInterval     virtual time units between two ticks of a node's clock
 * @param tickJitter       each node's tick period differs by up to this much (clock drift between nodes)
 * @param minNetDelay      shortest one-way message delay, in time units
 * @param maxNetDelay      longest one-way message delay under normal conditions
 * @param minDiskLatency   shortest time to persist one Ready (write + fsync)
 * @param maxDiskLatency   longest time to persist one Ready
 * @param snapshotEvery    a node snapshots its state machine after applying this many entries
 * @param snapshotPadding  filler bytes in each snapshot, so that snapshots span several chunks
 * @param retainEntries    entries kept in the log behind a snapshot, for followers that are only slightly behind
 */
record SimSettings(RaftConfig raft, int tickInterval, int tickJitter, int minNetDelay, int maxNetDelay,
                   int minDiskLatency, int maxDiskLatency, int snapshotEvery, int snapshotPadding,
                   int retainEntries) {

    /** Defaults for scenario tests: server defaults, fast reliable network, quick disk, frequent snapshots. */
    static SimSettings defaults() {
        return new SimSettings(RaftConfig.defaults(1, 0), 100, 0, 1, 10, 2, 8, 50, 200, 5);
    }

    SimSettings withRaft(RaftConfig r) {
        return new SimSettings(r, tickInterval, tickJitter, minNetDelay, maxNetDelay, minDiskLatency,
                maxDiskLatency, snapshotEvery, snapshotPadding, retainEntries);
    }

    SimSettings withSnapshots(int every, int padding, int retain) {
        return new SimSettings(raft, tickInterval, tickJitter, minNetDelay, maxNetDelay, minDiskLatency,
                maxDiskLatency, every, padding, retain);
    }

    SimSettings withTiming(int tickJitter, int minNet, int maxNet, int minDisk, int maxDisk) {
        return new SimSettings(raft, tickInterval, tickJitter, minNet, maxNet, minDisk, maxDisk, snapshotEvery,
                snapshotPadding, retainEntries);
    }

    /** The Raft configuration for one node. */
    RaftConfig raftFor(long id, long seed) {
        return new RaftConfig(id, raft.electionTicks(), raft.heartbeatTicks(), raft.preVote(), raft.checkQuorum(),
                raft.maxMessageBytes(), raft.maxInflightMessages(), raft.maxInflightBytes(),
                raft.maxUncommittedBytes(), raft.maxIncomingEntryBytes(), raft.eagerCommit(), raft.quorumFanout(), seed);
    }
}
