package io.raftkv.operator.reconcile.dependent;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.raftkv.operator.crd.RaftKVCluster;
import io.raftkv.operator.reconcile.DesiredState;

/** Reads the pass's {@link DesiredState} that the reconciler put into the workflow context. */
public final class DesiredStates {

    private DesiredStates() {
    }

    public static DesiredState of(Context<RaftKVCluster> context) {
        return context.managedWorkflowAndDependentResourceContext()
                .getMandatory(DesiredState.class.getName(), DesiredState.class);
    }
}
