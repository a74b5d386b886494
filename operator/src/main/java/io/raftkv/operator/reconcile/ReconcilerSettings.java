package io.raftkv.operator.reconcile;

import java.time.Duration;

/**
 * Tuning of the reconciler.
 *
 * @param maxCatchUpLag   entries a member may be behind the leader's commit index and count as caught up
 * @param statusTimeout   how long one node's status call may take
 * @param activeInterval  how soon to look again while something is in progress (or blocked)
 * @param steadyInterval  how often to refresh status of a steady cluster (changes of pods trigger sooner)
 */
public record ReconcilerSettings(long maxCatchUpLag, Duration statusTimeout, Duration activeInterval,
                                 Duration steadyInterval) {

    public static ReconcilerSettings defaults() {
        return new ReconcilerSettings(1000, Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(15));
    }
}
