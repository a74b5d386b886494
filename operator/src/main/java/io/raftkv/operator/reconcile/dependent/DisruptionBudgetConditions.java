package io.raftkv.operator.reconcile.dependent;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.raftkv.operator.crd.RaftKVCluster;
import io.raftkv.operator.raft.NodeReport;

/** When the PodDisruptionBudget dependents apply, and its size. */
public final class DisruptionBudgetConditions {

    private DisruptionBudgetConditions() {
    }

    /** A majority of the larger of the desired and the current size must stay available. */
    public static int minAvailable(RaftKVCluster primary, Context<RaftKVCluster> context) {
        int members = Math.max(primary.getSpec().getReplicas(), DesiredStates.of(context).statefulSetReplicas());
        return NodeReport.quorum(members);
    }

    /** Enabled in the spec, and more than one member (a lone member cannot survive any disruption anyway). */
    public static final class Wanted implements Condition<Object, RaftKVCluster> {
        @Override
        public boolean isMet(DependentResource<Object, RaftKVCluster> dependent, RaftKVCluster primary,
                             Context<RaftKVCluster> context) {
            boolean enabled = primary.getSpec().getPodDisruptionBudget() == null
                    || primary.getSpec().getPodDisruptionBudget().isEnabled();
            return enabled && Math.max(primary.getSpec().getReplicas(),
                    DesiredStates.of(context).statefulSetReplicas()) > 1;
        }
    }

    /** The server offers policy/v1. */
    public static final class V1Available implements Condition<Object, RaftKVCluster> {
        @Override
        public boolean isMet(DependentResource<Object, RaftKVCluster> dependent, RaftKVCluster primary,
                             Context<RaftKVCluster> context) {
            return DisruptionBudgetApi.of(context.getClient()) == DisruptionBudgetApi.V1;
        }
    }

    /** The server offers only policy/v1beta1 (Kubernetes 1.20 and older). */
    public static final class V1beta1Only implements Condition<Object, RaftKVCluster> {
        @Override
        public boolean isMet(DependentResource<Object, RaftKVCluster> dependent, RaftKVCluster primary,
                             Context<RaftKVCluster> context) {
            return DisruptionBudgetApi.of(context.getClient()) == DisruptionBudgetApi.V1BETA1;
        }
    }
}
