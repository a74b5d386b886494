package io.raftkv.operator.reconcile.dependent;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.raftkv.operator.crd.RaftKVCluster;
import io.raftkv.operator.reconcile.ResourceNames;

/** PodDisruptionBudget, policy/v1 (Kubernetes 1.21+). */
@KubernetesDependent(informer = @Informer(labelSelector = ResourceNames.MANAGED_SELECTOR))
public class DisruptionBudgetV1Dependent extends CRUDKubernetesDependentResource<PodDisruptionBudget, RaftKVCluster> {

    public DisruptionBudgetV1Dependent() {
        super(PodDisruptionBudget.class);
    }

    @Override
    protected PodDisruptionBudget desired(RaftKVCluster primary, Context<RaftKVCluster> context) {
        ResourceNames names = ResourceNames.of(primary);
        return new PodDisruptionBudgetBuilder()
                .withNewMetadata().withName(names.disruptionBudget()).withNamespace(names.namespace())
                .withLabels(names.labels()).endMetadata()
                .withNewSpec()
                .withMinAvailable(new IntOrString(DisruptionBudgetConditions.minAvailable(primary, context)))
                .withNewSelector().withMatchLabels(names.selectorLabels()).endSelector()
                .endSpec()
                .build();
    }

    @Override
    protected ResourceID targetSecondaryResourceID(RaftKVCluster primary, Context<RaftKVCluster> context) {
        return new ResourceID(ResourceNames.of(primary).disruptionBudget(), primary.getMetadata().getNamespace());
    }
}
