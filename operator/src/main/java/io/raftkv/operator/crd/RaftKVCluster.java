package io.raftkv.operator.crd;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A RaftKV cluster: the operator turns it into a StatefulSet of nodes and changes its membership one
 * member at a time. The CRD under {@code crds/} is generated from this class (see CrdIsCurrentTest).
 */
@Group(RaftKVCluster.GROUP)
@Version(RaftKVCluster.VERSION)
@ShortNames("rkv")
@AdditionalPrinterColumn(name = "Replicas", jsonPath = ".spec.replicas", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.readyReplicas", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Leader", jsonPath = ".status.leader")
@AdditionalPrinterColumn(name = "Quorate", jsonPath = ".status.conditions[?(@.type==\"Available\")].status")
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class RaftKVCluster extends CustomResource<RaftKVClusterSpec, RaftKVClusterStatus> implements Namespaced {

    public static final String GROUP = "raftkv.io";
    public static final String VERSION = "v1alpha1";

    /** Set to "true" to scale down although some members are unhealthy (never below a healthy quorum). */
    public static final String FORCE_SCALE_DOWN_ANNOTATION = GROUP + "/force-scale-down";
    /** Change its value (e.g. to a timestamp) to restart every member, one at a time. */
    public static final String RESTART_ANNOTATION = GROUP + "/restartedAt";

    @Override
    protected RaftKVClusterSpec initSpec() {
        return new RaftKVClusterSpec();
    }

    @Override
    protected RaftKVClusterStatus initStatus() {
        return new RaftKVClusterStatus();
    }
}
