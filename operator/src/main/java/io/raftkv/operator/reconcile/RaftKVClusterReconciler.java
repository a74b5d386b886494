package io.raftkv.operator.reconcile;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.raftkv.operator.crd.RaftKVCluster;
import io.raftkv.operator.crd.RaftKVClusterStatus;
import io.raftkv.operator.plan.Action;
import io.raftkv.operator.plan.Decision;
import io.raftkv.operator.plan.Finding;
import io.raftkv.operator.plan.Observation;
import io.raftkv.operator.plan.Planner;
import io.raftkv.operator.plan.StatefulSetView;
import io.raftkv.operator.raft.RaftAdmin;
import io.raftkv.operator.reconcile.dependent.ClientServiceDependent;
import io.raftkv.operator.reconcile.dependent.DisruptionBudgetConditions;
import io.raftkv.operator.reconcile.dependent.DisruptionBudgetV1Dependent;
import io.raftkv.operator.reconcile.dependent.DisruptionBudgetV1beta1Dependent;
import io.raftkv.operator.reconcile.dependent.NodeConfigMapDependent;
import io.raftkv.operator.reconcile.dependent.PeerServiceDependent;
import io.raftkv.operator.reconcile.dependent.StatefulSetDependent;
import io.raftkv.operator.status.ClusterStatusBuilder;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass: observe (informer caches and every node's admin status), plan the one next step, apply the owned
 * resources (with the StatefulSet size the plan chose), take the step, write status. The pass reads top to
 * bottom and writes status on every exit; all decisions are in {@link Planner}.
 */
@Workflow(explicitInvocation = true, dependents = {
        @Dependent(name = RaftKVClusterReconciler.CONFIG, type = NodeConfigMapDependent.class),
        @Dependent(name = RaftKVClusterReconciler.PEER_SERVICE, type = PeerServiceDependent.class),
        @Dependent(name = "client-service", type = ClientServiceDependent.class),
        @Dependent(name = "statefulset", type = StatefulSetDependent.class,
                dependsOn = {RaftKVClusterReconciler.CONFIG, RaftKVClusterReconciler.PEER_SERVICE}),
        @Dependent(name = "pdb-v1", type = DisruptionBudgetV1Dependent.class,
                activationCondition = DisruptionBudgetConditions.V1Available.class,
                reconcilePrecondition = DisruptionBudgetConditions.Wanted.class),
        @Dependent(name = "pdb-v1beta1", type = DisruptionBudgetV1beta1Dependent.class,
                activationCondition = DisruptionBudgetConditions.V1beta1Only.class,
                reconcilePrecondition = DisruptionBudgetConditions.Wanted.class)
})
@ControllerConfiguration(name = RaftKVClusterReconciler.NAME, fieldManager = EventRecorder.COMPONENT)
public class RaftKVClusterReconciler implements Reconciler<RaftKVCluster> {

    public static final String NAME = "raftkvcluster";
    static final String CONFIG = "config";
    static final String PEER_SERVICE = "peer-service";
    private static final Logger LOG = LoggerFactory.getLogger(RaftKVClusterReconciler.class);

    private final Planner planner;
    private final ObservationCollector collector;
    private final ActionExecutor executor;
    private final EventRecorder events;
    private final ReconcilerSettings settings;
    private final Clock clock;
    private final OperatorMetrics metrics;
    private final ClaimOwners claimOwners = new ClaimOwners();

    public RaftKVClusterReconciler(RaftAdmin admin, ReconcilerSettings settings, Clock clock, MeterRegistry registry) {
        this.settings = settings;
        this.clock = clock;
        this.planner = new Planner(settings.maxCatchUpLag());
        ExecutorService statusCalls = Executors.newCachedThreadPool(daemonThreads());
        this.collector = new ObservationCollector(admin, statusCalls, settings.statusTimeout());
        this.executor = new ActionExecutor(admin);
        this.events = new EventRecorder(clock);
        this.metrics = new OperatorMetrics(registry);
    }

    @Override
    public List<EventSource<?, RaftKVCluster>> prepareEventSources(EventSourceContext<RaftKVCluster> context) {
        // Pods and claims are created by the StatefulSet, not owned by the cluster: map them by label.
        SecondaryToPrimaryMapper<Pod> podMapper = byInstanceLabel();
        SecondaryToPrimaryMapper<PersistentVolumeClaim> claimMapper = byInstanceLabel();
        var pods = new InformerEventSource<>(InformerEventSourceConfiguration.from(Pod.class, RaftKVCluster.class)
                .withName("pods")
                .withLabelSelector(ResourceNames.MANAGED_SELECTOR)
                .withSecondaryToPrimaryMapper(podMapper)
                .build(), context);
        var claims = new InformerEventSource<>(InformerEventSourceConfiguration
                .from(PersistentVolumeClaim.class, RaftKVCluster.class)
                .withName("claims")
                .withLabelSelector(ResourceNames.MANAGED_SELECTOR)
                .withSecondaryToPrimaryMapper(claimMapper)
                .build(), context);
        return List.of(pods, claims);
    }

    private static <R extends io.fabric8.kubernetes.api.model.HasMetadata> SecondaryToPrimaryMapper<R> byInstanceLabel() {
        return r -> {
            Map<String, String> labels = r.getMetadata().getLabels();
            String instance = labels == null ? null : labels.get(ResourceNames.INSTANCE_LABEL);
            return instance == null ? Set.of() : Set.of(new ResourceID(instance, r.getMetadata().getNamespace()));
        };
    }

    @Override
    public UpdateControl<RaftKVCluster> reconcile(RaftKVCluster primary, Context<RaftKVCluster> context) {
        metrics.reconciled();
        if (primary.getSpec().getClusterDomain() == null) {
            primary.getSpec().setClusterDomain(settings.clusterDomain()); // in memory only: names and config read it
        }
        ResourceNames names = ResourceNames.of(primary);
        KubernetesClient client = context.getClient();
        List<String> specProblems = SpecValidator.problems(primary);
        Optional<StatefulSet> sts = context.getSecondaryResource(StatefulSet.class);
        if (sts.isEmpty()) {
            // The informer's cache can miss an existing StatefulSet right after the operator starts (seen in CI:
            // the first reconcile after a restart mid-scale-up). Its size decides which members are orphans and
            // which claims are leftovers, so absence is only believed when the API server confirms it.
            sts = Optional.ofNullable(context.getClient().apps().statefulSets().inNamespace(names.namespace())
                    .withName(names.statefulSet()).get());
            if (sts.isPresent()) {
                LOG.info("{}/{}: the StatefulSet was not in the informer cache yet; read it from the API server",
                        names.namespace(), names.cluster());
            }
        }
        Set<Pod> pods = context.getSecondaryResources(Pod.class);
        Set<PersistentVolumeClaim> claims = context.getSecondaryResources(PersistentVolumeClaim.class);
        Observation observation = collector.collect(primary, sts, pods, claims, specProblems,
                name -> allowsVolumeExpansion(client, name));
        Decision decision = planner.decide(observation);

        // An invalid spec is not applied (the last applied one stays in force); what Kubernetes refuses is
        // reported, and the step is still taken where it does not depend on what was refused.
        Map<String, String> applyErrors = specProblems.isEmpty() ? applyOwnedResources(context, decision, observation)
                : Map.of();
        boolean statefulSetApplied = specProblems.isEmpty() && !applyErrors.containsKey("statefulset");

        Map<Integer, String> podIps = new LinkedHashMap<>();
        for (Pod p : pods) {
            int ordinal = names.podOrdinal(p.getMetadata().getName());
            if (ordinal >= 0 && p.getStatus() != null) {
                podIps.put(ordinal, p.getStatus().getPodIP());
            }
        }
        Optional<String> error = executor.execute(decision.action(), names, client, podIps::get,
                !statefulSetApplied, primary.getSpec().getStorage() == null ? null
                        : primary.getSpec().getStorage().getSize());
        claimOwners.apply(client, primary, claims, decision.bootstrapped());
        if (decision.clearForceScaleDown()) {
            clearForceScaleDown(client, primary);
        }
        List<String> refused = applyErrors.entrySet().stream()
                .map(e -> "Kubernetes refused the " + e.getKey() + ": " + e.getValue()).toList();
        report(primary, context, decision, error, refused);

        RaftKVClusterStatus status = ClusterStatusBuilder.build(primary.getStatus(),
                primary.getMetadata().getGeneration(), decision, error, refused, names, clock.instant());
        primary.setStatus(status);
        boolean steady = decision.isWait() && !decision.progress().inProgress() && refused.isEmpty()
                && decision.findings().stream().noneMatch(Finding::degraded);
        return UpdateControl.patchStatus(primary)
                .rescheduleAfter(steady ? settings.steadyInterval() : settings.activeInterval());
    }

    /** Runs the workflow of owned resources; returns the dependents Kubernetes refused, by name, with why. */
    private Map<String, String> applyOwnedResources(Context<RaftKVCluster> context, Decision decision,
                                                   Observation observation) {
        // Without a StatefulSet and without a step that sizes one, the plan is blocked (the claims of a deleted
        // cluster): the other owned resources are applied, the StatefulSet at size 0, so no pod starts.
        int replicas = decision.action() instanceof Action.ScaleStatefulSet s ? s.replicas()
                : observation.statefulSet().map(StatefulSetView::replicas).orElse(0);
        var workflow = context.managedWorkflowAndDependentResourceContext();
        workflow.put(DesiredState.KEY, new DesiredState(replicas, decision.bootstrapped()));
        Map<String, String> errors = new LinkedHashMap<>();
        workflow.reconcileManagedWorkflow().getErroredDependents().forEach((dependent, e) -> {
            String name = dependent instanceof StatefulSetDependent ? "statefulset"
                    : dependent.getClass().getSimpleName().replace("Dependent", "");
            errors.put(name, rootMessage(e));
            LOG.warn("applying the {} failed: {}", name, rootMessage(e));
        });
        return errors;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && !(t instanceof io.fabric8.kubernetes.client.KubernetesClientException)) {
            t = t.getCause();
        }
        if (t instanceof io.fabric8.kubernetes.client.KubernetesClientException k && k.getStatus() != null
                && k.getStatus().getMessage() != null) {
            return k.getStatus().getMessage();
        }
        return String.valueOf(t.getMessage());
    }

    private static boolean allowsVolumeExpansion(KubernetesClient client, String storageClass) {
        try {
            var sc = client.storage().v1().storageClasses().withName(storageClass).get();
            return sc != null && Boolean.TRUE.equals(sc.getAllowVolumeExpansion());
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            LOG.warn("cannot read StorageClass {}: {}", storageClass, e.getMessage());
            return false;
        }
    }

    /** The forced scale-down is done: a later one must be forced again explicitly. */
    private static void clearForceScaleDown(KubernetesClient client, RaftKVCluster primary) {
        try {
            client.resources(RaftKVCluster.class).inNamespace(primary.getMetadata().getNamespace())
                    .withName(primary.getMetadata().getName())
                    .edit(c -> {
                        if (c.getMetadata().getAnnotations() != null) {
                            c.getMetadata().getAnnotations().remove(RaftKVCluster.FORCE_SCALE_DOWN_ANNOTATION);
                        }
                        return c;
                    });
            LOG.info("{}/{}: the forced scale-down is done; removed {}", primary.getMetadata().getNamespace(),
                    primary.getMetadata().getName(), RaftKVCluster.FORCE_SCALE_DOWN_ANNOTATION);
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            LOG.warn("could not remove {}: {}", RaftKVCluster.FORCE_SCALE_DOWN_ANNOTATION, e.getMessage());
        }
    }

    private void report(RaftKVCluster primary, Context<RaftKVCluster> context, Decision decision,
                        Optional<String> error, List<String> refused) {
        Action action = decision.action();
        if (!(action instanceof Action.None)) {
            String kind = action.getClass().getSimpleName();
            metrics.action(kind, error.isEmpty());
            if (error.isEmpty()) {
                LOG.info("{}/{}: {} ({})", primary.getMetadata().getNamespace(), primary.getMetadata().getName(),
                        decision.message(), kind);
                events.normal(context.getClient(), primary, kind, decision.message());
            } else {
                LOG.warn("{}/{}: {} failed: {}", primary.getMetadata().getNamespace(), primary.getMetadata().getName(),
                        kind, error.get());
            }
        }
        Map<String, String> warnings = new LinkedHashMap<>();
        for (Finding f : decision.findings()) {
            warnings.merge(f.reason(), f.message(), (a, b) -> a + "; " + b);
        }
        error.ifPresent(e -> warnings.put("ActionFailed", action.getClass().getSimpleName() + ": " + e));
        if (!refused.isEmpty()) {
            warnings.put("ApplyFailed", String.join("; ", refused));
        }
        events.warnings(context.getClient(), primary, warnings);
    }

    private static ThreadFactory daemonThreads() {
        return r -> {
            Thread t = new Thread(r, "raftkv-status");
            t.setDaemon(true);
            return t;
        };
    }
}
