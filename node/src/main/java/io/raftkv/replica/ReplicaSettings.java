package io.raftkv.replica;

import io.raftkv.raft.RaftConfig;

import java.util.concurrent.TimeUnit;

/**
 * Timing and batching of replica mode, in nanoseconds of whatever clock drives the engine (real or virtual).
 *
 * @param tickNanos            one tick of the Raft core
 * @param electionTicks        base election timeout in ticks (each timeout is drawn from [1x, 2x))
 * @param heartbeatTicks       idle leader heartbeat in ticks
 * @param startupQuietNanos    after launch (the engine's first call), the core is not ticked for this long, so
 *                             that no replica contacts a peer before the simulator has connected every replica:
 *                             a message routed to a replica that has not connected yet kills it. The launcher
 *                             connects within milliseconds of CPU after launch (see {@code kvstore}), so a second
 *                             is ample and leaves time to elect a leader before the first client request (2 s);
 *                             a JVM that connects by itself waits {@link #JVM_CONNECT_QUIET_NANOS}
 * @param startupTickFactor    until this replica first takes part in an election, each tick of its clock advances
 *                             the core this many ticks, so that the first election ends before clients
 *                             arrive without making every later failure detection that fast (timing only
 *                             affects liveness in Raft, never safety)
 * @param retransmitNanos      longest retransmission timeout (it adapts to the measured round trip below that,
 *                             starting from half of it)
 * @param retransmitLimit      retransmissions of one vote request (each after twice the previous wait); twice
 *                             as many, at a steady pace, for replication
 * @param maxHoldNanos         a client request held while no leader is known is redirected after this long
 * @param maxMessageBytes      most entry bytes per AppendEntries, sized so that the JSON stays under 16 KiB
 * @param leaseReads           answer gets on the leader under a read lease ({@link LeaderLease}, thesis §6.4.1)
 *                             instead of a ReadIndex round; safe while the replicas' clocks run at the same rate
 */
public record ReplicaSettings(long tickNanos, int electionTicks, int heartbeatTicks, long startupQuietNanos,
                              int startupTickFactor, long retransmitNanos, int retransmitLimit, long maxHoldNanos,
                              int maxMessageBytes, boolean leaseReads) {

    /**
     * The start-up silence when replicas connect from the JVM (no launcher connection): JVMs that start together
     * may need well over a second to connect on a busy machine, so the silence spans the simulator's whole
     * start-up wait.
     */
    public static final long JVM_CONNECT_QUIET_NANOS = 2_000_000_000L;

    /** The simulator truncates messages at this many bytes. */
    public static final int PACKET_LIMIT = 16384;

    public ReplicaSettings {
        if (tickNanos <= 0 || startupQuietNanos < 0 || startupTickFactor < 1 || retransmitNanos <= 0
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
     * Defaults for the course simulator. Ticks are 10 ms. Elections time out after 0.6–1.2 s: every request that
     * arrives while a killed leader goes unnoticed waits out the failover and adds a slow redirect to the median
     * latency, while the simulator counts every heartbeat. A follower the leader sent nothing for 400 ms gets a
     * heartbeat (well within the shortest election timeout), or the entries it misses if it is outside the
     * commit quorum. The first election comes 1 s after launch, when every launcher has long connected, and is
     * eight times faster (75–150 ms after that), so that a leader is known before the first request at 2 s. Retransmission after at most 4 ms (1 ms once round trips are
     * measured as short) suits a local socket, whose round trip is about a millisecond. Gets are served under
     * the leader's read lease: the replicas share one host's monotonic clock.
     */
    public static ReplicaSettings defaults() {
        return new ReplicaSettings(ms(10), 60, 40, ms(1000), 8, ms(4), 6, ms(3000), 9000, true);
    }

    /** The Raft core's configuration for replica {@code node}. */
    public RaftConfig raftConfig(long node, long seed) {
        return RaftConfig.defaults(node, seed)
                .withTicks(electionTicks, heartbeatTicks)
                .withMessageLimits(maxMessageBytes, 64, 64L * maxMessageBytes, 4L << 20)
                .withEagerCommit(false)
                .withPreVoteAndCheckQuorum(true, true)
                .withQuorumFanout(true);
    }

    public ReplicaSettings withLeaseReads(boolean on) {
        return new ReplicaSettings(tickNanos, electionTicks, heartbeatTicks, startupQuietNanos, startupTickFactor,
                retransmitNanos, retransmitLimit, maxHoldNanos, maxMessageBytes, on);
    }

    public ReplicaSettings withStartupQuietNanos(long quietNanos) {
        return new ReplicaSettings(tickNanos, electionTicks, heartbeatTicks, quietNanos, startupTickFactor,
                retransmitNanos, retransmitLimit, maxHoldNanos, maxMessageBytes, leaseReads);
    }

    public ReplicaSettings withTicks(int election, int heartbeat) {
        return new ReplicaSettings(tickNanos, election, heartbeat, startupQuietNanos, startupTickFactor,
                retransmitNanos, retransmitLimit, maxHoldNanos, maxMessageBytes, leaseReads);
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
