package io.raftkv.raft;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The leader's pending linearizable reads (thesis §6.4). A read records the commit index when it arrives and
 * is confirmed once a majority has acknowledged a heartbeat round started after it arrived — proof that this
 * node was still the leader then. Every read gets a fresh round, never one reused from an earlier attempt
 * (a reused read context let etcd serve stale reads). Reads that arrive before the leader has committed an
 * entry of its own term wait for it, because until then its commit index may be stale (§8).
 */
final class ReadIndexTracker {

    record PendingRead(long requestId, long from, long index, long round) {
    }

    private final ArrayDeque<PendingRead> pending = new ArrayDeque<>();
    private final List<long[]> awaitingTermCommit = new ArrayList<>();
    private long round;
    private boolean roundNeeded;

    long round() {
        return round;
    }

    /** Registers a read from {@code from} (this node or a follower). */
    void add(long requestId, long from, long commitIndex, boolean committedInTerm) {
        if (!committedInTerm) {
            awaitingTermCommit.add(new long[]{requestId, from});
            return;
        }
        pending.add(new PendingRead(requestId, from, commitIndex, round + 1));
        roundNeeded = true;
    }

    /** The leader committed its first entry of the term: reads that waited for it can now proceed. */
    void onTermCommitted(long commitIndex) {
        for (long[] r : awaitingTermCommit) {
            pending.add(new PendingRead(r[0], r[1], commitIndex, round + 1));
            roundNeeded = true;
        }
        awaitingTermCommit.clear();
    }

    /** Whether a read waits for a round to start (at the next Ready). */
    boolean roundNeeded() {
        return roundNeeded;
    }

    /** Starts a new round if a read is waiting for one; returns whether it did. */
    boolean startRoundIfNeeded() {
        if (!roundNeeded) {
            return false;
        }
        round++;
        roundNeeded = false;
        return true;
    }

    /** Releases, in arrival order, every read whose round a majority has acknowledged. */
    List<PendingRead> confirm(long majorityRound) {
        List<PendingRead> out = new ArrayList<>();
        while (!pending.isEmpty() && pending.peekFirst().round() <= majorityRound) {
            out.add(pending.pollFirst());
        }
        return out;
    }

    boolean hasPending() {
        return !pending.isEmpty();
    }

    /** All reads still waiting, removed (the leader stepped down and cannot confirm them). */
    List<long[]> drainAll() {
        List<long[]> out = new ArrayList<>();
        for (PendingRead r : pending) {
            out.add(new long[]{r.requestId(), r.from()});
        }
        out.addAll(awaitingTermCommit);
        pending.clear();
        awaitingTermCommit.clear();
        return out;
    }
}
