package io.raftkv.operator.plan;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Everything the planner may look at, gathered in one pass: what the user asked for, what Kubernetes runs,
 * what each node says, and the intent the operator recorded in status earlier.
 *
 * @param desiredReplicas  spec.replicas: the only source of the desired size
 * @param forceScaleDown   the override annotation: scale down although some members are unhealthy
 * @param deleteRemovedClaims whether volume claims of members removed by a scale-down are deleted
 * @param statefulSet      the StatefulSet, when it exists
 * @param pods             pods of the cluster by ordinal (any ordinal, including ones above the StatefulSet size)
 * @param volumeClaims     ordinals that have a data volume claim
 * @param knownMembers     recorded in status: node ID to the ordinal of the pod that runs it
 * @param bootstrapped     recorded in status: the cluster was created, so no node may create one again
 * @param lastStep         recorded in status: the last step the operator took
 */
public record Observation(int desiredReplicas, boolean forceScaleDown, boolean deleteRemovedClaims,
                          Optional<StatefulSetView> statefulSet, Map<Integer, PodView> pods,
                          Set<Integer> volumeClaims, Map<Long, Integer> knownMembers, boolean bootstrapped,
                          Optional<RecordedStep> lastStep) {

    /** A step recorded in status: its kind (an {@link Action} class name), pod and node ID. */
    public record RecordedStep(String kind, String pod, Long nodeId) {
    }

    public Observation(int desiredReplicas, boolean forceScaleDown, boolean deleteRemovedClaims,
                       Optional<StatefulSetView> statefulSet, Map<Integer, PodView> pods, Set<Integer> volumeClaims,
                       Map<Long, Integer> knownMembers, boolean bootstrapped) {
        this(desiredReplicas, forceScaleDown, deleteRemovedClaims, statefulSet, pods, volumeClaims, knownMembers,
                bootstrapped, Optional.empty());
    }

    public Observation {
        pods = Map.copyOf(pods);
        volumeClaims = Set.copyOf(volumeClaims);
        knownMembers = Map.copyOf(knownMembers);
    }

    public Optional<PodView> pod(int ordinal) {
        return Optional.ofNullable(pods.get(ordinal));
    }

    /** Pods in ascending ordinal order. */
    public Iterable<PodView> podsInOrder() {
        return new TreeMap<>(pods).values();
    }
}
