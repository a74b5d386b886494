package io.raftkv.replica;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A leader's read lease (Ongaro's thesis §6.4.1), from the Raft core's leader stickiness: a follower that
 * heard from its leader ignores vote requests, and does not campaign itself, for an election timeout
 * ({@code RaftConfig#checkQuorum}). The leader stamps each AppendEntries and heartbeat with its clock when
 * sending it, followers echo the newest stamp they accepted, and once a quorum (the leader included) has
 * echoed stamps of at least {@code t}, no other leader can be elected before {@code t} plus the lease
 * duration: every majority a candidate could win contains one of them. Until then the leader may answer reads
 * from its own state (once it has committed an entry of its term), with no message at all.
 *
 * <p>This needs clocks that advance at the same rate, not synchronized ones: true for replicas on one host
 * ({@code System.nanoTime}, CLOCK_MONOTONIC) and in virtual time. The duration leaves one tick for the
 * followers' tick granularity and a tenth of the election timeout as margin.
 */
final class LeaderLease {
    private final long durationNanos;
    private final int quorum;
    private final Map<Long, Long> stamps = new HashMap<>();

    LeaderLease(ReplicaSettings settings, int quorum) {
        this.durationNanos = (settings.electionTicks() - 1) * settings.tickNanos() - settings.electionNanos() / 10;
        this.quorum = quorum;
    }

    /** A new term or lost leadership: stamps of another term prove nothing. */
    void reset() {
        stamps.clear();
    }

    /** Follower {@code follower} accepted a message of this term sent at {@code stamp}. */
    void acked(long follower, long stamp) {
        stamps.merge(follower, stamp, Math::max);
    }

    /** True if no other leader can exist at {@code now}. */
    boolean holds(long now) {
        int needed = quorum - 1; // the leader itself is one of the quorum
        if (needed <= 0) {
            return true;
        }
        if (stamps.size() < needed) {
            return false;
        }
        long[] s = stamps.values().stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(s);
        long start = s[s.length - needed]; // the oldest stamp among the freshest quorum
        return now < start + durationNanos;
    }
}
