package io.raftkv.operator.reconcile;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.raftkv.operator.crd.RaftKVCluster;
import io.raftkv.operator.crd.StorageSpec;
import io.raftkv.operator.plan.Observation;
import io.raftkv.operator.plan.Planner;
import io.raftkv.operator.plan.PodView;
import io.raftkv.operator.plan.StorageView;
import io.raftkv.operator.plan.StatefulSetView;
import io.raftkv.operator.raft.AdminEndpoint;
import io.raftkv.operator.raft.NodeReport;
import io.raftkv.operator.raft.RaftAdmin;
import io.raftkv.operator.raft.RaftAdminException;
import io.raftkv.operator.status.ClusterStatusBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Gathers one {@link Observation}: the informer caches, plus every pod's node asked in parallel. */
public final class ObservationCollector {

    private static final Logger LOG = LoggerFactory.getLogger(ObservationCollector.class);

    private final RaftAdmin admin;
    private final ExecutorService executor;
    private final Duration statusTimeout;

    public ObservationCollector(RaftAdmin admin, ExecutorService executor, Duration statusTimeout) {
        this.admin = admin;
        this.executor = executor;
        this.statusTimeout = statusTimeout;
    }

    public Observation collect(RaftKVCluster primary, Optional<StatefulSet> statefulSet, Collection<Pod> pods,
                               Collection<PersistentVolumeClaim> claims, List<String> specProblems,
                               StorageClasses storageClasses) {
        ResourceNames names = ResourceNames.of(primary);
        Map<Integer, Pod> byOrdinal = new HashMap<>();
        for (Pod p : pods) {
            int ordinal = names.podOrdinal(p.getMetadata().getName());
            if (ordinal >= 0) {
                byOrdinal.put(ordinal, p);
            }
        }
        Map<Integer, CompletableFuture<Optional<NodeReport>>> reports = new LinkedHashMap<>();
        byOrdinal.forEach((ordinal, pod) -> reports.put(ordinal, askNode(pod)));
        Map<Integer, PodView> views = new HashMap<>();
        byOrdinal.forEach((ordinal, pod) -> views.put(ordinal, new PodView(ordinal, pod.getMetadata().getName(),
                isReady(pod), pod.getMetadata().getDeletionTimestamp() != null, revisionOf(pod),
                await(reports.get(ordinal), pod), problemOf(pod))));

        Set<Integer> claimOrdinals = new HashSet<>();
        Set<Integer> foreign = new HashSet<>();
        Map<Integer, Long> claimBytes = new HashMap<>();
        String storageClass = null;
        Instant created = instant(primary.getMetadata().getCreationTimestamp());
        for (PersistentVolumeClaim c : claims) {
            int ordinal = names.claimOrdinal(c.getMetadata().getName());
            if (ordinal < 0) {
                continue;
            }
            claimOrdinals.add(ordinal);
            Instant claimCreated = instant(c.getMetadata().getCreationTimestamp());
            if (created != null && claimCreated != null && claimCreated.isBefore(created)) {
                foreign.add(ordinal); // made for an earlier cluster of this name: claims follow their cluster
            }
            requestedBytes(c).ifPresent(b -> claimBytes.put(ordinal, b));
            if (c.getSpec() != null && c.getSpec().getStorageClassName() != null) {
                storageClass = c.getSpec().getStorageClassName();
            }
        }
        StorageSpec storage = primary.getSpec().getStorage();
        long wantedBytes = storage == null || storage.getSize() == null || !specProblems.isEmpty() ? 0
                : Quantity.getAmountInBytes(new Quantity(storage.getSize())).longValue();
        boolean anySmaller = claimBytes.values().stream().anyMatch(b -> b < wantedBytes);
        // Only asked when needed: the StorageClass decides whether a claim may grow.
        boolean expandable = anySmaller && storageClass != null && storageClasses.allowsExpansion(storageClass);
        Observation.Context context = new Observation.Context(names.cluster(), foreign,
                "true".equalsIgnoreCase(annotation(primary, Planner.ADOPT_ANNOTATION)), specProblems,
                primary.getStatus() != null && Boolean.TRUE.equals(primary.getStatus().getForceScaleDownUsed()),
                new StorageView(wantedBytes, claimBytes, expandable, storageClass));
        boolean deleteClaims = storage == null || storage.getRemovedMemberClaims() != StorageSpec.VolumeClaimPolicy.Retain;
        boolean force = "true".equalsIgnoreCase(annotation(primary, RaftKVCluster.FORCE_SCALE_DOWN_ANNOTATION));
        boolean bootstrapped = primary.getStatus() != null && Boolean.TRUE.equals(primary.getStatus().getBootstrapped());
        return new Observation(primary.getSpec().getReplicas(), force, deleteClaims, statefulSet.map(this::view),
                views, claimOrdinals, ClusterStatusBuilder.knownMembers(primary.getStatus(), names.cluster()),
                bootstrapped, ClusterStatusBuilder.lastStep(primary.getStatus()), context);
    }

    /** Whether a StorageClass lets claims grow (allowVolumeExpansion). */
    @FunctionalInterface
    public interface StorageClasses {
        boolean allowsExpansion(String storageClassName);
    }

    private static Optional<Long> requestedBytes(PersistentVolumeClaim c) {
        if (c.getSpec() == null || c.getSpec().getResources() == null || c.getSpec().getResources().getRequests() == null) {
            return Optional.empty();
        }
        Quantity q = c.getSpec().getResources().getRequests().get("storage");
        return q == null ? Optional.empty() : Optional.of(Quantity.getAmountInBytes(q).longValue());
    }

    private static Instant instant(String timestamp) {
        try {
            return timestamp == null ? null : Instant.parse(timestamp);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    private StatefulSetView view(StatefulSet sts) {
        int replicas = sts.getSpec().getReplicas() == null ? 1 : sts.getSpec().getReplicas();
        Long observed = sts.getStatus() == null ? null : sts.getStatus().getObservedGeneration();
        boolean current = observed != null && observed >= sts.getMetadata().getGeneration();
        String updateRevision = sts.getStatus() == null ? null : sts.getStatus().getUpdateRevision();
        return new StatefulSetView(replicas, current && updateRevision != null, updateRevision);
    }

    private CompletableFuture<Optional<NodeReport>> askNode(Pod pod) {
        String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
        if (ip == null || ip.isEmpty()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        AdminEndpoint endpoint = new AdminEndpoint(pod.getMetadata().getName(), ip, NodeContract.GRPC_PORT);
        return CompletableFuture.supplyAsync(() -> {
            try {
                return Optional.of(admin.status(endpoint));
            } catch (RaftAdminException e) {
                LOG.debug("status of {} unavailable: {}", endpoint, e.getMessage());
                return Optional.empty();
            }
        }, executor);
    }

    private Optional<NodeReport> await(CompletableFuture<Optional<NodeReport>> report, Pod pod) {
        try {
            return report.get(statusTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            report.cancel(true);
            LOG.debug("status of {} timed out", pod.getMetadata().getName());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (java.util.concurrent.ExecutionException e) {
            LOG.warn("status of {} failed", pod.getMetadata().getName(), e.getCause());
            return Optional.empty();
        }
    }

    static boolean isReady(Pod pod) {
        return pod.getStatus() != null && pod.getStatus().getConditions() != null
                && pod.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private static final java.util.Set<String> FAILING = java.util.Set.of("ImagePullBackOff", "ErrImagePull",
            "ErrImageNeverPull", "InvalidImageName", "CrashLoopBackOff", "CreateContainerConfigError",
            "CreateContainerError", "RunContainerError");

    /** Why Kubernetes cannot run the pod, if it says so. */
    static Optional<String> problemOf(Pod pod) {
        if (pod.getStatus() == null) {
            return Optional.empty();
        }
        if (pod.getStatus().getContainerStatuses() != null) {
            for (var cs : pod.getStatus().getContainerStatuses()) {
                var waiting = cs.getState() == null ? null : cs.getState().getWaiting();
                if (waiting != null && FAILING.contains(waiting.getReason())) {
                    return Optional.of(waiting.getReason() + (waiting.getMessage() == null ? ""
                            : ": " + waiting.getMessage()));
                }
            }
        }
        if (pod.getStatus().getConditions() != null) {
            for (var c : pod.getStatus().getConditions()) {
                if ("PodScheduled".equals(c.getType()) && "False".equals(c.getStatus())) {
                    return Optional.of(c.getReason() + (c.getMessage() == null ? "" : ": " + c.getMessage()));
                }
            }
        }
        return Optional.empty();
    }

    private static String revisionOf(Pod pod) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        return labels == null ? null : labels.get(ResourceNames.REVISION_LABEL);
    }

    private static String annotation(RaftKVCluster c, String key) {
        Map<String, String> a = c.getMetadata().getAnnotations();
        return a == null ? null : Objects.toString(a.get(key), null);
    }
}
