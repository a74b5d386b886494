package io.raftkv.operator.reconcile.dependent;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.raftkv.operator.crd.RaftKVCluster;
import io.raftkv.operator.reconcile.NodeConfig;
import io.raftkv.operator.reconcile.NodeContract;
import io.raftkv.operator.reconcile.ResourceNames;

/**
 * The node configuration, plus the initial cluster state ("new" until the cluster exists). The state is read
 * by pods through an environment variable (resolved at container start), so it is not part of the
 * configuration hash: flipping it restarts nothing.
 */
@KubernetesDependent(informer = @Informer(labelSelector = ResourceNames.MANAGED_SELECTOR))
public class NodeConfigMapDependent extends CRUDKubernetesDependentResource<ConfigMap, RaftKVCluster> {

    public NodeConfigMapDependent() {
        super(ConfigMap.class);
    }

    @Override
    protected ConfigMap desired(RaftKVCluster primary, Context<RaftKVCluster> context) {
        ResourceNames names = ResourceNames.of(primary);
        boolean bootstrapped = DesiredStates.of(context).bootstrapped();
        return new ConfigMapBuilder()
                .withNewMetadata().withName(names.configMap()).withNamespace(names.namespace())
                .withLabels(names.labels()).endMetadata()
                .addToData(NodeContract.CONFIG_KEY, NodeConfig.render(primary))
                .addToData(NodeContract.INITIAL_CLUSTER_STATE_KEY, bootstrapped ? "existing" : "new")
                .build();
    }

    @Override
    protected ResourceID targetSecondaryResourceID(RaftKVCluster primary, Context<RaftKVCluster> context) {
        return new ResourceID(ResourceNames.of(primary).configMap(), primary.getMetadata().getNamespace());
    }
}
