package io.raftkv.operator.reconcile.dependent;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.raftkv.operator.crd.RaftKVCluster;
import io.raftkv.operator.reconcile.NodeContract;
import io.raftkv.operator.reconcile.ResourceNames;

/** The Service clients use: only ready members (joined and caught up) receive requests. */
// Kubernetes 1.20 refuses a server-side-apply create of a Service that carries a resourceVersion precondition
// ("resourceVersion should not be set on objects to be created"), so Services are created plainly, then applied.
@KubernetesDependent(createResourceOnlyIfNotExistingWithSSA = false,
        informer = @Informer(labelSelector = ResourceNames.MANAGED_SELECTOR))
public class ClientServiceDependent extends CRUDKubernetesDependentResource<Service, RaftKVCluster> {

    public ClientServiceDependent() {
        super(Service.class);
    }

    @Override
    protected Service desired(RaftKVCluster primary, Context<RaftKVCluster> context) {
        ResourceNames names = ResourceNames.of(primary);
        return new ServiceBuilder()
                .withNewMetadata().withName(names.clientService()).withNamespace(names.namespace())
                .withLabels(names.labels()).endMetadata()
                .withNewSpec()
                .withType("ClusterIP")
                .withSelector(names.selectorLabels())
                .withPorts(PeerServiceDependent.port(NodeContract.GRPC_PORT_NAME, NodeContract.GRPC_PORT),
                        PeerServiceDependent.port(NodeContract.HTTP_PORT_NAME, NodeContract.HTTP_PORT))
                .endSpec()
                .build();
    }

    @Override
    protected ResourceID targetSecondaryResourceID(RaftKVCluster primary, Context<RaftKVCluster> context) {
        return new ResourceID(ResourceNames.of(primary).clientService(), primary.getMetadata().getNamespace());
    }
}
