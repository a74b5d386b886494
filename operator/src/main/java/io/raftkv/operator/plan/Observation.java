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
 * @param context          the rest: identity of the claims, spec problems, storage, recorded force use
 */
public record Observation(int desiredReplicas, boolean forceScaleDown, boolean deleteRemovedClaims,
                          Optional<StatefulSetView> statefulSet, Map<Integer, PodView> pods,
                          Set<Integer> volumeClaims, Map<Long, Integer> knownMembers, boolean bootstrapped,
                          Optional<RecordedStep> lastStep, Context context) {

    /**
     * A step recorded in status: its kind (an {@link Action} class name), pod and node ID, and whether it is
     * finished (its subject was seen back and caught up; until then its unavailability is expected).
     */
    public record RecordedStep(String kind, String pod, Long nodeId, boolean finished) {

        public RecordedStep(String kind, String pod, Long nodeId) {
            this(kind, pod, nodeId, false);
        }
    }

    /**
     * @param clusterName        the RaftKVCluster's name (for messages that name its claims)
     * @param foreignClaims      ordinals whose claim is older than this RaftKVCluster: it holds the data of a
     *                           deleted cluster of the same name, never to be started on unless adopted
     * @param adoptClaims        the user asked to bring such claims back as this cluster's members
     * @param specProblems       what is wrong with the spec (it is then not applied); empty when valid
     * @param forceScaleDownUsed recorded in status: the override annotation allowed a step of the scale-down
     *                           under way, so it is cleared once that scale-down is done
     * @param storage            requested and current volume sizes
     */
    public record Context(String clusterName, Set<Integer> foreignClaims, boolean adoptClaims, java.util.List<String> specProblems,
                          boolean forceScaleDownUsed, StorageView storage) {

        public static final Context NONE = new Context("cluster", Set.of(), false, java.util.List.of(), false, StorageView.NONE);

        public Context {
            foreignClaims = Set.copyOf(foreignClaims);
            specProblems = java.util.List.copyOf(specProblems);
        }
    }

    public Observation(int desiredReplicas, boolean forceScaleDown, boolean deleteRemovedClaims,
                       Optional<StatefulSetView> statefulSet, Map<Integer, PodView> pods, Set<Integer> volumeClaims,
                       Map<Long, Integer> knownMembers, boolean bootstrapped, Optional<RecordedStep> lastStep) {
        this(desiredReplicas, forceScaleDown, deleteRemovedClaims, statefulSet, pods, volumeClaims, knownMembers,
                bootstrapped, lastStep, Context.NONE);
    }

    public Observation(int desiredReplicas, boolean forceScaleDown, boolean deleteRemovedClaims,
                       Optional<StatefulSetView> statefulSet, Map<Integer, PodView> pods, Set<Integer> volumeClaims,
                       Map<Long, Integer> knownMembers, boolean bootstrapped) {
        this(desiredReplicas, forceScaleDown, deleteRemovedClaims, statefulSet, pods, volumeClaims, knownMembers,
                bootstrapped, Optional.empty());
    }

    public Observation withContext(Context c) {
        return new Observation(desiredReplicas, forceScaleDown, deleteRemovedClaims, statefulSet, pods, volumeClaims,
                knownMembers, bootstrapped, lastStep, c);
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
