package io.raftkv.operator.plan;

/**
 * @param replicas      spec.replicas of the StatefulSet
 * @param statusCurrent the StatefulSet controller has observed the latest spec, so updateRevision is current
 * @param updateRevision the revision of the current pod template; a pod on another one runs an old template
 */
public record StatefulSetView(int replicas, boolean statusCurrent, String updateRevision) {
}
