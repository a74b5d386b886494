package io.raftkv.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.raftkv.operator.crd.RaftKVCluster;
import io.raftkv.operator.crd.RaftKVClusterSpec;
import io.raftkv.operator.status.ClusterStatusBuilder;
import io.raftkv.operator.support.ConflictRetryingEdit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The whole life of a cluster on a real Kubernetes with real pods, under a continuous write load through
 * the client Service: create 3 members, scale 3 -> 5 -> 3, roll a restart, delete a pod. Checks that no
 * acknowledged write is lost, that status tells the truth throughout, and reports the longest write outage
 * of each phase (target/e2e-outages.json).
 */
class ClusterLifecycleE2EIT {

    private static final String NAME = "life";
    private static final Duration PHASE_TIMEOUT = Duration.ofMinutes(4);

    @Test
    void scaleRestartAndPodLossKeepEveryAcknowledgedWrite() throws Exception {
        try (E2eEnvironment env = E2eEnvironment.requireCluster(true)) {
            env.installOperator();
            RaftKVCluster c = new RaftKVCluster();
            c.getMetadata().setName(NAME);
            c.getMetadata().setNamespace(env.namespace);
            RaftKVClusterSpec spec = new RaftKVClusterSpec();
            spec.setReplicas(3);
            spec.setImage(E2eEnvironment.NODE_IMAGE);
            spec.getPod().setDataDirOwnerInitContainer(true); // host-path volumes ignore fsGroup
            c.setSpec(spec);
            env.client.resource(c).create();
            awaitSteady(env, 3);

            String clusterIp = env.client.services().inNamespace(env.namespace).withName(NAME).get().getSpec()
                    .getClusterIP();
            List<String> violations = new CopyOnWriteArrayList<>();
            ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
            sampler.scheduleWithFixedDelay(() -> checkStatusTruth(env, violations), 1, 1, TimeUnit.SECONDS);
            Map<String, Long> outagesMs = new LinkedHashMap<>();
            Map<String, Long> phaseEndKey = new LinkedHashMap<>();
            try (WriteLoad load = new WriteLoad("http://" + clusterIp + ":8001")) {
                await().atMost(Duration.ofSeconds(30)).until(() -> load.acknowledgedCount() > 20);
                load.takeLongestOutage();
                phaseEndKey.put("warm-up", load.currentKey());

                setReplicas(env, 5);
                awaitSteady(env, 5);
                outagesMs.put("scale 3 to 5", load.takeLongestOutage().toMillis());
                phaseEndKey.put("scale 3 to 5", load.currentKey());

                setReplicas(env, 3);
                awaitSteady(env, 3);
                outagesMs.put("scale 5 to 3", load.takeLongestOutage().toMillis());
                phaseEndKey.put("scale 5 to 3", load.currentKey());
                await().atMost(Duration.ofMinutes(2)).until(() -> env.client.persistentVolumeClaims()
                        .inNamespace(env.namespace).list().getItems().size() == 3);

                ConflictRetryingEdit.edit(env.client.resources(RaftKVCluster.class).inNamespace(env.namespace)
                        .withName(NAME), x -> {
                            x.getMetadata().getAnnotations().put(RaftKVCluster.RESTART_ANNOTATION, Instant.now().toString());
                            return x;
                        });
                await().atMost(PHASE_TIMEOUT).pollInterval(Duration.ofSeconds(2)).until(() -> allPodsUpdated(env));
                awaitSteady(env, 3);
                outagesMs.put("rolling restart", load.takeLongestOutage().toMillis());
                phaseEndKey.put("rolling restart", load.currentKey());

                env.client.pods().inNamespace(env.namespace).withName(NAME + "-1").delete();
                await().atMost(Duration.ofSeconds(30)).until(() -> !isSteady(env, 3));
                awaitSteady(env, 3);
                outagesMs.put("pod deleted", load.takeLongestOutage().toMillis());
                phaseEndKey.put("pod deleted", load.currentKey());

                load.stop();
                Map<String, String> lost = load.lostWrites();
                List<String> notLinearizable = load.history().violations();
                writeReport(outagesMs, phaseCounts(phaseEndKey, load, lost), load.acknowledgedCount(),
                        load.failures(), lost.size(), load.history().reads(), notLinearizable);
                assertThat(lost).as("acknowledged writes that cannot be read back").isEmpty();
                assertThat(notLinearizable).as("reads no linearization explains").isEmpty();
                assertThat(load.acknowledgedCount()).isGreaterThan(100);
            } finally {
                sampler.shutdownNow();
            }
            assertThat(violations).as("moments when status contradicted the cluster").isEmpty();
        }
    }

    private static void setReplicas(E2eEnvironment env, int replicas) {
        ConflictRetryingEdit.edit(env.client.resources(RaftKVCluster.class).inNamespace(env.namespace)
                .withName(NAME), x -> {
            x.getSpec().setReplicas(replicas);
            return x;
        });
    }

    private static void awaitSteady(E2eEnvironment env, int size) {
        await().atMost(PHASE_TIMEOUT).pollInterval(Duration.ofSeconds(1)).until(() -> isSteady(env, size));
    }

    private static boolean isSteady(E2eEnvironment env, int size) {
        RaftKVCluster c = env.client.resources(RaftKVCluster.class).inNamespace(env.namespace).withName(NAME).get();
        return c != null && c.getStatus() != null && Integer.valueOf(size).equals(c.getStatus().getReadyReplicas())
                && c.getStatus().getMembers().size() == size
                && condition(c, ClusterStatusBuilder.AVAILABLE).equals("True")
                && condition(c, ClusterStatusBuilder.PROGRESSING).equals("False");
    }

    private static boolean allPodsUpdated(E2eEnvironment env) {
        StatefulSet sts = env.client.apps().statefulSets().inNamespace(env.namespace).withName(NAME).get();
        String revision = sts.getStatus().getUpdateRevision();
        List<Pod> pods = env.client.pods().inNamespace(env.namespace).withLabel("app.kubernetes.io/instance", NAME)
                .list().getItems();
        return pods.size() == sts.getSpec().getReplicas() && pods.stream()
                .allMatch(p -> revision.equals(p.getMetadata().getLabels().get("controller-revision-hash")));
    }

    private static String condition(RaftKVCluster c, String type) {
        return c.getStatus().getConditions().stream().filter(x -> type.equals(x.getType()))
                .map(x -> x.getStatus()).findFirst().orElse("absent");
    }

    /** Status must never claim what is false: a leader that is no pod, more ready members than ready pods. */
    private static void checkStatusTruth(E2eEnvironment env, List<String> violations) {
        try {
            RaftKVCluster c = env.client.resources(RaftKVCluster.class).inNamespace(env.namespace).withName(NAME).get();
            if (c == null || c.getStatus() == null) {
                return;
            }
            List<Pod> pods = env.client.pods().inNamespace(env.namespace).withLabel("app.kubernetes.io/instance", NAME)
                    .list().getItems();
            List<String> names = new ArrayList<>(pods.stream().map(p -> p.getMetadata().getName()).toList());
            String leader = c.getStatus().getLeader();
            if (leader != null && !names.contains(leader)) {
                violations.add(Instant.now() + ": status names leader " + leader + " but pods are " + names);
            }
            long readyPods = pods.stream().filter(p -> p.getStatus().getConditions().stream()
                    .anyMatch(x -> "Ready".equals(x.getType()) && "True".equals(x.getStatus()))).count();
            Integer ready = c.getStatus().getReadyReplicas();
            if (ready != null && ready > readyPods + 1) { // +1: the two are read a moment apart
                violations.add(Instant.now() + ": status says " + ready + " ready members, " + readyPods + " pods are ready");
            }
        } catch (RuntimeException e) {
            // the API server may be briefly slow; the next sample checks again
        }
    }

    /** Per phase: "acknowledged/lost" writes, by the index range of the keys written during it. */
    private static Map<String, String> phaseCounts(Map<String, Long> phaseEndKey, WriteLoad load,
                                                   Map<String, String> lost) {
        Map<String, String> counts = new LinkedHashMap<>();
        long from = 0;
        for (Map.Entry<String, Long> e : phaseEndKey.entrySet()) {
            long start = from;
            long end = e.getValue();
            long lostHere = lost.keySet().stream().mapToLong(k -> Long.parseLong(k.substring("e2e-".length())))
                    .filter(i -> i >= start && i < end).count();
            counts.put(e.getKey(), (end - start) + " acknowledged, " + lostHere + " lost");
            from = end;
        }
        return counts;
    }

    private static void writeReport(Map<String, Long> outagesMs, Map<String, String> perPhase, int acknowledged,
                                    long failures, int lost, int reads, List<String> notLinearizable)
            throws IOException {
        StringBuilder json = new StringBuilder("{\n  \"longestWriteOutageMs\": {");
        String sep = "";
        for (Map.Entry<String, Long> e : outagesMs.entrySet()) {
            json.append(sep).append("\n    \"").append(e.getKey()).append("\": ").append(e.getValue());
            sep = ",";
        }
        json.append("\n  },\n  \"writesPerPhase\": {");
        sep = "";
        for (Map.Entry<String, String> e : perPhase.entrySet()) {
            json.append(sep).append("\n    \"").append(e.getKey()).append("\": \"").append(e.getValue()).append('"');
            sep = ",";
        }
        json.append("\n  },\n  \"acknowledgedWrites\": ").append(acknowledged)
                .append(",\n  \"failedWriteAttempts\": ").append(failures)
                .append(",\n  \"lostWrites\": ").append(lost)
                .append(",\n  \"reads\": ").append(reads)
                .append(",\n  \"linearizabilityViolations\": ").append(notLinearizable.size()).append("\n}\n");
        Path out = Path.of("target", "e2e-outages.json");
        Files.createDirectories(out.getParent());
        Files.writeString(out, json);
        System.out.println("end-to-end write outages: " + json);
    }
}
