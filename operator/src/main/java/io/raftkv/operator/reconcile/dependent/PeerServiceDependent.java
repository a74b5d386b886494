package io.raftkv.operator.reconcile.dependent;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.raftkv.operator.crd.RaftKVCluster;
import io.raftkv.operator.reconcile.NodeContract;
import io.raftkv.operator.reconcile.ResourceNames;

/**
 * Headless Service giving every pod a stable DNS name for Raft traffic. It publishes not-ready addresses: a
 * member that is catching up (or a lone first member) must be reachable by its peers before it is "ready".
 */
// Kubernetes 1.20 refuses a server-side-apply create of a Service that carries a resourceVersion precondition
// ("resourceVersion should not be set on objects to be created"), so Services are created plainly, then applied.
@KubernetesDependent(createResourceOnlyIfNotExistingWithSSA = false,
        informer = @Informer(labelSelector = ResourceNames.MANAGED_SELECTOR))
public class PeerServiceDependent extends CRUDKubernetesDependentResource<Service, RaftKVCluster> {

    public PeerServiceDependent() {
        super(Service.class);
    }

    @Override
    protected Service desired(RaftKVCluster primary, Context<RaftKVCluster> context) {
        ResourceNames names = ResourceNames.of(primary);
        return new ServiceBuilder()
                .withNewMetadata().withName(names.peerService()).withNamespace(names.namespace())
                .withLabels(names.labels()).endMetadata()
                .withNewSpec()
                .withClusterIP("None")
                .withPublishNotReadyAddresses(true)
                .withSelector(names.selectorLabels())
                .withPorts(port(NodeContract.GRPC_PORT_NAME, NodeContract.GRPC_PORT),
                        port(NodeContract.HTTP_PORT_NAME, NodeContract.HTTP_PORT))
                .endSpec()
                .build();
    }

    static ServicePort port(String name, int port) {
        return new ServicePortBuilder().withName(name).withPort(port).withProtocol("TCP")
                .withNewTargetPort(name).build();
    }

    @Override
    protected ResourceID targetSecondaryResourceID(RaftKVCluster primary, Context<RaftKVCluster> context) {
        return new ResourceID(ResourceNames.of(primary).peerService(), primary.getMetadata().getNamespace());
    }
}
