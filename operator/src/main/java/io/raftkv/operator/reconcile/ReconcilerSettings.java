package io.raftkv.operator.reconcile;

import java.time.Duration;

/**
 * Tuning of the reconciler.
 *
 * @param maxCatchUpLag   entries a member may be behind the leader's commit index and count as caught up
 * @param statusTimeout   how long one node's status call may take
 * @param activeInterval  how soon to look again while something is in progress (or blocked)
 * @param steadyInterval  how often to refresh status of a steady cluster (changes of pods trigger sooner)
 * @param clusterDomain   DNS domain of the Kubernetes cluster, for clusters whose spec does not set one
 */
public record ReconcilerSettings(long maxCatchUpLag, Duration statusTimeout, Duration activeInterval,
                                 Duration steadyInterval, String clusterDomain) {

    public ReconcilerSettings(long maxCatchUpLag, Duration statusTimeout, Duration activeInterval,
                              Duration steadyInterval) {
        this(maxCatchUpLag, statusTimeout, activeInterval, steadyInterval, ResourceNames.DEFAULT_CLUSTER_DOMAIN);
    }

    public static ReconcilerSettings defaults() {
        return new ReconcilerSettings(1000, Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(15));
    }
}
