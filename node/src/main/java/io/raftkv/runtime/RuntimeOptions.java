package io.raftkv.runtime;

import java.time.Duration;

/**
 * How the runtime drives the core and the state machine.
 *
 * @param tick                     one Raft clock tick
 * @param snapshotThresholdEntries snapshot once this many entries were applied since the last snapshot
 * @param snapshotInterval         and at least this often when anything was applied (zero: never by time)
 * @param retainEntries            log entries kept behind a snapshot, so a slightly lagging follower is
 *                                 caught up from the log rather than by a snapshot
 * @param maxPendingRequests       proposals and reads waiting at once before new ones are refused
 */
public record RuntimeOptions(Duration tick, long snapshotThresholdEntries, Duration snapshotInterval,
                             long retainEntries, int maxPendingRequests) {

    public static RuntimeOptions defaults() {
        return new RuntimeOptions(Duration.ofMillis(50), 100_000, Duration.ofMinutes(5), 10_000, 10_000);
    }

    public RuntimeOptions withSnapshots(long thresholdEntries, Duration interval, long retain) {
        return new RuntimeOptions(tick, thresholdEntries, interval, retain, maxPendingRequests);
    }

    public RuntimeOptions withTick(Duration tick) {
        return new RuntimeOptions(tick, snapshotThresholdEntries, snapshotInterval, retainEntries, maxPendingRequests);
    }
}
