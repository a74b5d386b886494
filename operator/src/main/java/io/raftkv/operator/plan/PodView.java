package io.raftkv.operator.plan;

import io.raftkv.operator.raft.NodeReport;
import java.util.Optional;

/**
 * One pod of the cluster.
 *
 * @param ordinal     the StatefulSet ordinal
 * @param name        the pod name
 * @param ready       Kubernetes considers it ready
 * @param terminating it has a deletion timestamp
 * @param revision    its controller-revision-hash: the StatefulSet revision it was created from
 * @param report      what its node said through the admin API; empty when it could not be reached
 * @param problem     why Kubernetes cannot run it, e.g. "ImagePullBackOff: ..." or "Unschedulable: ..."
 */
public record PodView(int ordinal, String name, boolean ready, boolean terminating, String revision,
                      Optional<NodeReport> report, Optional<String> problem) {

    public PodView(int ordinal, String name, boolean ready, boolean terminating, String revision,
                   Optional<NodeReport> report) {
        this(ordinal, name, ready, terminating, revision, report, Optional.empty());
    }

    public boolean runsRevision(String revision) {
        return revision != null && revision.equals(this.revision);
    }
}
