package io.raftkv.operator.reconcile.dependent;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.raftkv.operator.crd.PodOverrides;
import io.raftkv.operator.crd.RaftKVCluster;
import io.raftkv.operator.crd.RaftKVClusterSpec;
import io.raftkv.operator.crd.StorageSpec;
import io.raftkv.operator.reconcile.NodeConfig;
import io.raftkv.operator.reconcile.NodeContract;
import io.raftkv.operator.reconcile.ResourceNames;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The StatefulSet of nodes. Its size is the planner's choice for this pass (one step at a time, never the
 * observed member count). Updates are {@code OnDelete}: the StatefulSet controller never restarts a pod by
 * itself, the operator picks the order (CloudNativePG explains why a StatefulSet cannot order by role).
 * Pods are managed in parallel, so a dead pod 0 does not stop the controller from recreating pod 2.
 */
@KubernetesDependent(informer = @Informer(labelSelector = ResourceNames.MANAGED_SELECTOR))
public class StatefulSetDependent extends CRUDKubernetesDependentResource<StatefulSet, RaftKVCluster> {

    public StatefulSetDependent() {
        super(StatefulSet.class);
    }

    @Override
    protected StatefulSet desired(RaftKVCluster primary, Context<RaftKVCluster> context) {
        StatefulSet built = build(primary, DesiredStates.of(context).statefulSetReplicas());
        // Kubernetes forbids changing volumeClaimTemplates: keep the ones the StatefulSet was created with, so a
        // new spec.storage never makes every apply fail. Sizes are changed on the claims themselves (the
        // planner's ExpandVolumeClaim), or refused with a reason in status.
        context.getSecondaryResource(StatefulSet.class)
                .filter(existing -> existing.getSpec() != null && existing.getSpec().getVolumeClaimTemplates() != null
                        && !existing.getSpec().getVolumeClaimTemplates().isEmpty())
                .ifPresent(existing -> built.getSpec().setVolumeClaimTemplates(
                        existing.getSpec().getVolumeClaimTemplates().stream().map(StatefulSetDependent::claimTemplate)
                                .toList()));
        return built;
    }

    /** The parts of an existing claim template that server-side apply should own (not its status). */
    private static io.fabric8.kubernetes.api.model.PersistentVolumeClaim claimTemplate(
            io.fabric8.kubernetes.api.model.PersistentVolumeClaim t) {
        return new PersistentVolumeClaimBuilder()
                .withNewMetadata().withName(t.getMetadata().getName()).withLabels(t.getMetadata().getLabels())
                .endMetadata()
                .withSpec(t.getSpec())
                .build();
    }

    /** The StatefulSet for a cluster at a given size; public so that tests can inspect it without a server. */
    public static StatefulSet build(RaftKVCluster primary, int replicas) {
        ResourceNames names = ResourceNames.of(primary);
        RaftKVClusterSpec spec = primary.getSpec();
        PodOverrides overrides = spec.getPod() != null ? spec.getPod() : new PodOverrides();
        StorageSpec storage = spec.getStorage() != null ? spec.getStorage() : new StorageSpec();

        Map<String, String> podLabels = new LinkedHashMap<>();
        if (overrides.getLabels() != null) {
            podLabels.putAll(overrides.getLabels());
        }
        podLabels.putAll(names.labels());

        Map<String, String> podAnnotations = new LinkedHashMap<>();
        if (overrides.getAnnotations() != null) {
            podAnnotations.putAll(overrides.getAnnotations());
        }
        podAnnotations.put(ResourceNames.CONFIG_HASH_ANNOTATION, NodeConfig.hash(NodeConfig.render(primary)));
        String restartedAt = primary.getMetadata().getAnnotations() == null ? null
                : primary.getMetadata().getAnnotations().get(RaftKVCluster.RESTART_ANNOTATION);
        if (restartedAt != null) {
            podAnnotations.put(RaftKVCluster.RESTART_ANNOTATION, restartedAt);
        }

        ContainerBuilder container = new ContainerBuilder()
                .withName("raftkv")
                .withImage(spec.getImage())
                .withImagePullPolicy(spec.getImagePullPolicy().name())
                .withArgs(NodeContract.ARGS)
                .withPorts(
                        new ContainerPortBuilder().withName(NodeContract.GRPC_PORT_NAME)
                                .withContainerPort(NodeContract.GRPC_PORT).withProtocol("TCP").build(),
                        new ContainerPortBuilder().withName(NodeContract.HTTP_PORT_NAME)
                                .withContainerPort(NodeContract.HTTP_PORT).withProtocol("TCP").build())
                .withEnv(new EnvVarBuilder().withName(NodeContract.ENV_INITIAL_CLUSTER_STATE).withNewValueFrom()
                        .withNewConfigMapKeyRef().withName(names.configMap())
                        .withKey(NodeContract.INITIAL_CLUSTER_STATE_KEY).endConfigMapKeyRef().endValueFrom().build(),
                        // `raftkv members` (or get, put, ...) run inside the pod finds the leader through these
                        new EnvVarBuilder().withName(NodeContract.ENV_ENDPOINTS).withValue(names.cliEndpoints())
                                .build())
                .withVolumeMounts(
                        new io.fabric8.kubernetes.api.model.VolumeMountBuilder().withName(ResourceNames.DATA_VOLUME)
                                .withMountPath(NodeContract.DATA_DIR).build(),
                        new io.fabric8.kubernetes.api.model.VolumeMountBuilder().withName("config")
                                .withMountPath(NodeContract.CONFIG_DIR).withReadOnly(true).build())
                // A replaying node may take long to start; liveness only counts once it is up.
                .withStartupProbe(httpProbe(NodeContract.HEALTH_PATH, 2, 150))
                .withLivenessProbe(httpProbe(NodeContract.HEALTH_PATH, 10, 6))
                .withReadinessProbe(httpProbe(NodeContract.READY_PATH, 2, 2))
                // No preStop hook: on SIGTERM the node hands leadership off before it stops (NodeContract).
                .withSecurityContext(overrides.getContainerSecurityContext() != null
                        ? overrides.getContainerSecurityContext() : restrictedContainer());
        if (spec.getResources() != null) {
            container.withResources(spec.getResources());
        }

        // The node runs as an unprivileged user. fsGroup hands it the volume where the storage supports ownership
        // management; host-path volumes (single-node clusters) do not, so there an opt-in init container gives the
        // data directory to that user (the only step that runs as root, with nothing else mounted; it does not
        // pass the restricted Pod Security level, hence off by default).
        String owner = NodeContract.NODE_UID + ":" + NodeContract.NODE_UID;
        ContainerBuilder dataOwner = new ContainerBuilder()
                .withName("data-dir-owner")
                .withImage(spec.getImage())
                .withImagePullPolicy(spec.getImagePullPolicy().name())
                .withCommand("sh", "-c", "chown " + owner + " " + NodeContract.DATA_DIR + " && chmod 0750 "
                        + NodeContract.DATA_DIR)
                .withNewSecurityContext().withRunAsUser(0L).withRunAsNonRoot(false).endSecurityContext()
                .withVolumeMounts(new io.fabric8.kubernetes.api.model.VolumeMountBuilder()
                        .withName(ResourceNames.DATA_VOLUME).withMountPath(NodeContract.DATA_DIR).build());
        PodSpecBuilder podSpec = new PodSpecBuilder()
                .withContainers(container.build())
                .withSecurityContext(overrides.getSecurityContext() != null ? overrides.getSecurityContext()
                        : restrictedPod())
                .withTerminationGracePeriodSeconds(30L)
                .addNewVolume().withName("config").withNewConfigMap().withName(names.configMap())
                .addNewItem().withKey(NodeContract.CONFIG_KEY).withPath(NodeContract.CONFIG_FILE).endItem()
                .endConfigMap().endVolume();
        if (overrides.getNodeSelector() != null) {
            podSpec.withNodeSelector(overrides.getNodeSelector());
        }
        if (overrides.getTolerations() != null) {
            podSpec.withTolerations(overrides.getTolerations());
        }
        if (overrides.isDataDirOwnerInitContainer()) {
            podSpec.withInitContainers(dataOwner.build());
        }
        // Members on one node fail together: by default prefer distinct nodes and spread over zones. Soft, so a
        // single-node cluster still runs every member.
        podSpec.withAffinity(overrides.getAffinity() != null ? overrides.getAffinity()
                : preferDistinctNodes(names.selectorLabels()));
        podSpec.withTopologySpreadConstraints(overrides.getTopologySpreadConstraints() != null
                ? overrides.getTopologySpreadConstraints()
                : List.of(new io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder().withMaxSkew(1)
                        .withTopologyKey(ZONE_LABEL).withWhenUnsatisfiable("ScheduleAnyway")
                        .withNewLabelSelector().withMatchLabels(names.selectorLabels()).endLabelSelector().build()));

        PersistentVolumeClaimBuilder claim = new PersistentVolumeClaimBuilder()
                .withNewMetadata().withName(ResourceNames.DATA_VOLUME).withLabels(names.labels()).endMetadata()
                .withNewSpec()
                .withAccessModes("ReadWriteOnce")
                .withNewResources().addToRequests("storage", new Quantity(storage.getSize())).endResources()
                .endSpec();
        if (storage.getStorageClassName() != null) {
            claim.editSpec().withStorageClassName(storage.getStorageClassName()).endSpec();
        }

        return new StatefulSetBuilder()
                .withNewMetadata().withName(names.statefulSet()).withNamespace(names.namespace())
                .withLabels(names.labels()).endMetadata()
                .withNewSpec()
                .withReplicas(replicas)
                .withServiceName(names.peerService())
                .withPodManagementPolicy("Parallel")
                .withNewUpdateStrategy().withType("OnDelete").endUpdateStrategy()
                .withNewSelector().withMatchLabels(names.selectorLabels()).endSelector()
                .withNewTemplate()
                .withNewMetadata().withLabels(podLabels).withAnnotations(podAnnotations).endMetadata()
                .withSpec(podSpec.build())
                .endTemplate()
                .withVolumeClaimTemplates(claim.build())
                .endSpec()
                .build();
    }

    static final String ZONE_LABEL = "topology.kubernetes.io/zone";
    static final String HOSTNAME_LABEL = "kubernetes.io/hostname";

    /** The restricted Pod Security level: non-root user 10001, seccomp RuntimeDefault. */
    public static io.fabric8.kubernetes.api.model.PodSecurityContext restrictedPod() {
        return new io.fabric8.kubernetes.api.model.PodSecurityContextBuilder()
                .withRunAsNonRoot(true).withRunAsUser(NodeContract.NODE_UID).withRunAsGroup(NodeContract.NODE_UID)
                .withFsGroup(NodeContract.NODE_UID)
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .build();
    }

    /** The restricted Pod Security level for a container: no privilege escalation, no capabilities. */
    public static io.fabric8.kubernetes.api.model.SecurityContext restrictedContainer() {
        return new io.fabric8.kubernetes.api.model.SecurityContextBuilder()
                .withAllowPrivilegeEscalation(false).withRunAsNonRoot(true)
                .withNewCapabilities().withDrop("ALL").endCapabilities()
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .build();
    }

    private static io.fabric8.kubernetes.api.model.Affinity preferDistinctNodes(Map<String, String> selector) {
        return new io.fabric8.kubernetes.api.model.AffinityBuilder().withNewPodAntiAffinity()
                .addNewPreferredDuringSchedulingIgnoredDuringExecution().withWeight(100)
                .withNewPodAffinityTerm().withTopologyKey(HOSTNAME_LABEL)
                .withNewLabelSelector().withMatchLabels(selector).endLabelSelector().endPodAffinityTerm()
                .endPreferredDuringSchedulingIgnoredDuringExecution()
                .endPodAntiAffinity().build();
    }

    private static Probe httpProbe(String path, int periodSeconds, int failureThreshold) {
        return new ProbeBuilder().withNewHttpGet().withPath(path)
                .withPort(new IntOrString(NodeContract.HTTP_PORT_NAME)).endHttpGet()
                .withPeriodSeconds(periodSeconds).withFailureThreshold(failureThreshold).withTimeoutSeconds(2)
                .build();
    }

    @Override
    protected ResourceID targetSecondaryResourceID(RaftKVCluster primary, Context<RaftKVCluster> context) {
        return new ResourceID(ResourceNames.of(primary).statefulSet(), primary.getMetadata().getNamespace());
    }
}
