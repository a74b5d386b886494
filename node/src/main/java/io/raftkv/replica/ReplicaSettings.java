package io.raftkv.replica;

import io.raftkv.raft.RaftConfig;

import java.util.concurrent.TimeUnit;

/**
 * Timing and batching of replica mode, in nanoseconds of whatever clock drives the engine (real or virtual).
 *
 * @param tickNanos            one tick of the Raft core
 * @param electionTicks        base election timeout in ticks (each timeout is drawn from [1x, 2x))
 * @param heartbeatTicks       idle leader heartbeat in ticks
 * @param startupQuietNanos    after start, the core is not ticked for this long, so that no replica contacts a
 *                             peer before the simulator has connected every replica (its start-up wait)
 * @param slowLaneNanos        a follower outside the commit quorum gets batched entries at most this often
 * @param retransmitNanos      a fast-lane follower that has not answered for this long gets the message again
 * @param retransmitLimit      retransmissions before a silent fast-lane follower is swapped for a slow one
 * @param maxHoldNanos         a client request held while no leader is known is redirected after this long
 * @param maxMessageBytes      most entry bytes per AppendEntries, sized so that the JSON stays under 16 KiB
 */
public record ReplicaSettings(long tickNanos, int electionTicks, int heartbeatTicks, long startupQuietNanos,
                              long slowLaneNanos, long retransmitNanos, int retransmitLimit, long maxHoldNanos,
                              int maxMessageBytes) {

    /** The simulator truncates messages at this many bytes. */
    public static final int PACKET_LIMIT = 16384;

    public ReplicaSettings {
        if (tickNanos <= 0 || startupQuietNanos < 0 || slowLaneNanos <= 0 || retransmitNanos <= 0
                || retransmitLimit < 0 || maxHoldNanos <= 0) {
            throw new IllegalArgumentException("replica timings must be positive");
        }
        // Base64 makes entry bytes 4/3 larger; keep a quarter of the packet for the envelope and framing.
        if (maxMessageBytes < 256 || maxMessageBytes * 4L / 3 > PACKET_LIMIT * 3L / 4) {
            throw new IllegalArgumentException("maxMessageBytes must keep a message under " + PACKET_LIMIT
                    + " bytes of JSON, got " + maxMessageBytes);
        }
    }

    /**
     * Defaults for the course simulator. Ticks are 10 ms; elections time out after 1–2 s (the simulator's
     * failures are crash-stops, and a slower failover costs a handful of delayed answers, while every
     * heartbeat round costs messages); idle heartbeats every 300 ms; followers outside the commit quorum get a
     * batch every 600 ms. Retransmission after 5 ms suits a local socket, whose round trip is well under 1 ms.
     */
    public static ReplicaSettings defaults() {
        return new ReplicaSettings(ms(10), 100, 30, ms(500), ms(600), ms(5), 3, ms(1000), 9000);
    }

    /** The Raft core's configuration for replica {@code node}. */
    public RaftConfig raftConfig(long node, long seed) {
        return RaftConfig.defaults(node, seed)
                .withTicks(electionTicks, heartbeatTicks)
                .withMessageLimits(maxMessageBytes, 64, 64L * maxMessageBytes, 4L << 20)
                .withEagerCommit(false)
                .withPreVoteAndCheckQuorum(true, true);
    }

    public long electionNanos() {
        return tickNanos * electionTicks;
    }

    public long heartbeatNanos() {
        return tickNanos * heartbeatTicks;
    }

    private static long ms(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }
}
