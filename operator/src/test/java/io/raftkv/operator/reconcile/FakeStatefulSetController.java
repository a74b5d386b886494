package io.raftkv.operator.reconcile;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Stands in for kube-controller-manager and the kubelet on an API server without them: creates the claims
 * and pods of a StatefulSet (Parallel, OnDelete), marks pods running and ready with a made-up IP, removes
 * surplus pods, releases deleted claims, and publishes the StatefulSet status with an update revision.
 */
final class FakeStatefulSetController implements AutoCloseable {

    private final KubernetesClient client;
    private final String namespace;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fake-sts-controller");
        t.setDaemon(true);
        return t;
    });

    FakeStatefulSetController(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
        client.serviceAccounts().inNamespace(namespace).resource(new io.fabric8.kubernetes.api.model.ServiceAccountBuilder()
                .withNewMetadata().withName("default").endMetadata().build()).createOr(x -> x.update());
        loop.scheduleWithFixedDelay(this::syncQuietly, 100, 200, TimeUnit.MILLISECONDS);
    }

    private void syncQuietly() {
        try {
            sync();
        } catch (KubernetesClientException e) {
            // a conflict or a resource deleted meanwhile: the next round repairs it
            System.err.println("fake StatefulSet controller: " + e.getMessage());
        }
    }

    private void sync() {
        for (PersistentVolumeClaim c : client.persistentVolumeClaims().inNamespace(namespace).list().getItems()) {
            if (c.getMetadata().getDeletionTimestamp() != null && !c.getMetadata().getFinalizers().isEmpty()) {
                client.persistentVolumeClaims().inNamespace(namespace).withName(c.getMetadata().getName())
                        .edit(x -> new PersistentVolumeClaimBuilder(x).editMetadata().withFinalizers(List.of())
                                .endMetadata().build());
            }
        }
        for (StatefulSet sts : client.apps().statefulSets().inNamespace(namespace).list().getItems()) {
            String name = sts.getMetadata().getName();
            int replicas = sts.getSpec().getReplicas();
            String revision = name + "-" + Integer.toHexString(sts.getSpec().getTemplate().hashCode() & 0xfffffff);
            Map<Integer, Pod> pods = new HashMap<>();
            for (Pod p : client.pods().inNamespace(namespace)
                    .withLabels(sts.getSpec().getSelector().getMatchLabels()).list().getItems()) {
                String suffix = p.getMetadata().getName().substring(name.length() + 1);
                pods.put(Integer.parseInt(suffix), p);
            }
            List<Integer> surplus = new ArrayList<>();
            pods.keySet().stream().filter(i -> i >= replicas).forEach(surplus::add);
            for (int i : surplus) {
                client.pods().inNamespace(namespace).withName(name + "-" + i).delete();
            }
            for (int i = 0; i < replicas; i++) {
                if (!pods.containsKey(i)) {
                    createClaim(sts, i);
                    createPod(sts, i, revision);
                }
            }
            sts.setStatus(new io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder()
                    .withObservedGeneration(sts.getMetadata().getGeneration())
                    .withReplicas(replicas).withReadyReplicas(replicas)
                    .withCurrentRevision(revision).withUpdateRevision(revision)
                    .build());
            client.apps().statefulSets().inNamespace(namespace).resource(sts).updateStatus();
        }
    }

    private void createClaim(StatefulSet sts, int ordinal) {
        PersistentVolumeClaim template = sts.getSpec().getVolumeClaimTemplates().get(0);
        String claimName = template.getMetadata().getName() + "-" + sts.getMetadata().getName() + "-" + ordinal;
        if (client.persistentVolumeClaims().inNamespace(namespace).withName(claimName).get() != null) {
            return;
        }
        client.persistentVolumeClaims().inNamespace(namespace).resource(new PersistentVolumeClaimBuilder()
                .withNewMetadata().withName(claimName).withLabels(template.getMetadata().getLabels()).endMetadata()
                .withSpec(template.getSpec()).build()).create();
    }

    private void createPod(StatefulSet sts, int ordinal, String revision) {
        Map<String, String> labels = new HashMap<>(sts.getSpec().getTemplate().getMetadata().getLabels());
        labels.put(ResourceNames.REVISION_LABEL, revision);
        Pod pod = client.pods().inNamespace(namespace).resource(new PodBuilder()
                .withNewMetadata().withName(sts.getMetadata().getName() + "-" + ordinal).withLabels(labels)
                .withAnnotations(sts.getSpec().getTemplate().getMetadata().getAnnotations()).endMetadata()
                .withSpec(sts.getSpec().getTemplate().getSpec())
                .editSpec().withAutomountServiceAccountToken(false)
                .addNewVolume().withName(ResourceNames.DATA_VOLUME).withNewPersistentVolumeClaim()
                .withClaimName(ResourceNames.DATA_VOLUME + "-" + sts.getMetadata().getName() + "-" + ordinal)
                .endPersistentVolumeClaim().endVolume()
                .endSpec()
                .build()).create();
        pod.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder()
                .withPhase("Running")
                .withPodIP("10.0.0." + (ordinal + 10))
                .withConditions(new PodConditionBuilder().withType("Ready").withStatus("True").build())
                .build());
        client.pods().inNamespace(namespace).resource(pod).updateStatus();
    }

    @Override
    public void close() {
        loop.shutdownNow();
    }
}
