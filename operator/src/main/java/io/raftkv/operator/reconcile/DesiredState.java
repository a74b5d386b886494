package io.raftkv.operator.reconcile;

/**
 * What this pass decided for the owned resources, handed to the dependents through the workflow context.
 *
 * @param statefulSetReplicas the StatefulSet size the planner chose (changes by at most one per pass)
 * @param bootstrapped        whether the cluster exists; while it does not, pod 0 may bootstrap it
 */
public record DesiredState(int statefulSetReplicas, boolean bootstrapped) {

    static final String KEY = DesiredState.class.getName();
}
