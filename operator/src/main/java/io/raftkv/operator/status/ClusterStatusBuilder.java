package io.raftkv.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.raftkv.operator.crd.MemberRole;
import io.raftkv.operator.crd.MemberStatus;
import io.raftkv.operator.crd.OperationStatus;
import io.raftkv.operator.crd.RaftKVClusterStatus;
import io.raftkv.operator.plan.Action;
import io.raftkv.operator.plan.ClusterView;
import io.raftkv.operator.plan.Decision;
import io.raftkv.operator.plan.Finding;
import io.raftkv.operator.plan.PodView;
import io.raftkv.operator.plan.Progress;
import io.raftkv.operator.raft.NodeReport;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

/**
 * Projects a decision onto the resource's status: what is true now (leader, members, health) and the intent
 * (the step just taken, the node-ID-to-pod mapping, whether the cluster was bootstrapped). Pure, so the
 * planner tests and the reconciler write the same status.
 */
public final class ClusterStatusBuilder {

    public static final String AVAILABLE = "Available";
    public static final String PROGRESSING = "Progressing";
    public static final String DEGRADED = "Degraded";

    private ClusterStatusBuilder() {
    }

    /**
     * @param previous   the status before this pass (may be empty)
     * @param generation metadata.generation of the resource
     * @param decision   this pass's decision
     * @param actionError why executing the decision's action failed, if it did
     * @param podName    the pod name of an ordinal
     * @param now        the time of this pass (for condition transitions and the operation record)
     */
    public static RaftKVClusterStatus build(RaftKVClusterStatus previous, long generation, Decision decision,
                                            Optional<String> actionError, IntFunction<String> podName, Instant now) {
        return build(previous, generation, decision, actionError, List.of(), podName, null, now);
    }

    /** As above, for the reconciler: what Kubernetes refused to apply, and the names of the cluster. */
    public static RaftKVClusterStatus build(RaftKVClusterStatus previous, long generation, Decision decision,
                                            Optional<String> actionError, List<String> refused,
                                            io.raftkv.operator.reconcile.ResourceNames names, Instant now) {
        String selector = names.selectorLabels().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
        return build(previous, generation, decision, actionError, refused, names::pod, selector, now);
    }

    private static RaftKVClusterStatus build(RaftKVClusterStatus previous, long generation, Decision decision,
                                             Optional<String> actionError, List<String> refused,
                                             IntFunction<String> podName, String selector, Instant now) {
        RaftKVClusterStatus prev = previous == null ? new RaftKVClusterStatus() : previous;
        ClusterView v = decision.view();
        RaftKVClusterStatus s = new RaftKVClusterStatus();
        s.setObservedGeneration(generation);
        s.setReplicas(v.observation().statefulSet().map(sts -> sts.replicas()).orElse(0));
        s.setReadyReplicas((int) v.voters().stream().filter(v::isHealthy).count());
        s.setLeader(v.leader().map(PodView::name).orElse(null));
        s.setSelector(selector);
        s.setFaultTolerance(v.voters().isEmpty() ? null : v.voters().size() - NodeReport.quorum(v.voters().size()));
        s.setForceScaleDownUsed(decision.forceScaleDownUsed() ? Boolean.TRUE : null);
        s.setBootstrapped(decision.bootstrapped() ? Boolean.TRUE : null);
        s.setMembers(members(prev, v, podName));
        String time = now.truncatedTo(ChronoUnit.SECONDS).toString();
        s.setOperation(operation(prev.getOperation(), decision, podName, time));
        List<Condition> conditions = new ArrayList<>();
        conditions.add(condition(prev, AVAILABLE, available(decision), generation, time));
        conditions.add(condition(prev, PROGRESSING, progressing(decision, actionError, refused), generation, time));
        conditions.add(condition(prev, DEGRADED, degraded(decision, actionError, refused), generation, time));
        s.setConditions(conditions);
        return s;
    }

    private record State(boolean status, String reason, String message) {
    }

    private static State available(Decision d) {
        ClusterView v = d.view();
        if (!d.bootstrapped()) {
            return new State(false, "Bootstrapping", "the first member is creating the cluster");
        }
        int needed = NodeReport.quorum(v.voters().size());
        // A leader of the highest term won a majority's votes and steps down without a majority (CheckQuorum):
        // right after a hand-off its followers may still name the old leader, which is no loss of quorum.
        if (v.leader().isPresent() && (v.votersFollowingLeader() >= needed || v.reachableVoters() >= needed)) {
            return new State(true, "Quorate", v.leader().get().name() + " leads; " + v.votersFollowingLeader()
                    + " of " + v.voters().size() + " voters follow it");
        }
        if (v.reachableVoters() >= needed) {
            return new State(false, "NoLeader", v.reachableVoters() + " of " + v.voters().size()
                    + " voters answer but none leads: an election is under way");
        }
        return new State(false, "QuorumLost", (v.leader().isPresent() ? v.votersFollowingLeader() : v.reachableVoters())
                + " of " + v.voters().size() + " voters reachable, " + needed
                + " needed; see the recovery procedure in operator/README.md");
    }

    private static State progressing(Decision d, Optional<String> actionError, List<String> refused) {
        if (actionError.isPresent()) {
            return new State(true, d.progress().name(), d.message() + " (failed, will retry: " + actionError.get() + ")");
        }
        boolean invalid = d.findings().stream().anyMatch(f -> f.reason().equals("InvalidSpec"));
        if (!d.progress().inProgress() && (invalid || !refused.isEmpty())) {
            return new State(false, Progress.Blocked.name(), "the spec is not applied: "
                    + (invalid ? "it is invalid" : String.join("; ", refused)));
        }
        if (d.progress() == Progress.Blocked || d.progress() == Progress.WaitingForQuorum) {
            return new State(false, d.progress().name(), d.message());
        }
        return new State(d.progress().inProgress(), d.progress().name(), d.message());
    }

    private static State degraded(Decision d, Optional<String> actionError, List<String> refused) {
        List<Finding> degrading = d.findings().stream().filter(Finding::degraded).toList();
        if (degrading.isEmpty() && actionError.isEmpty() && refused.isEmpty()) {
            return new State(false, "AsExpected", d.view().voters().isEmpty() ? "no member yet" : "all voters are healthy");
        }
        String reason = !refused.isEmpty() ? "ApplyFailed" : degrading.isEmpty() ? "ActionFailed"
                : degrading.get(0).reason();
        List<String> messages = new ArrayList<>(refused);
        messages.addAll(degrading.stream().map(Finding::message).toList());
        actionError.ifPresent(e -> messages.add("last step failed: " + e));
        return new State(true, reason, String.join("; ", messages));
    }

    private static Condition condition(RaftKVClusterStatus prev, String type, State state, long generation,
                                       String now) {
        String status = state.status() ? "True" : "False";
        String since = prev.getConditions().stream()
                .filter(c -> type.equals(c.getType()) && status.equals(c.getStatus()))
                .map(Condition::getLastTransitionTime).filter(Objects::nonNull).findFirst().orElse(now);
        return new ConditionBuilder().withType(type).withStatus(status).withReason(state.reason())
                .withMessage(state.message()).withLastTransitionTime(since).withObservedGeneration(generation).build();
    }

    private static List<MemberStatus> members(RaftKVClusterStatus prev, ClusterView v, IntFunction<String> podName) {
        List<MemberStatus> list = new ArrayList<>();
        if (!v.configurationKnown()) {
            // No node answers: keep the recorded members (the node-ID-to-pod mapping is intent) as unknown.
            for (MemberStatus m : prev.getMembers()) {
                if (m.getRole() != MemberRole.Joining && m.getRole() != MemberRole.Removed) {
                    list.add(new MemberStatus(m.getPod(), m.getNodeId(), MemberRole.Unknown, false, m.getAppliedIndex(),
                            null, "no node answers"));
                }
            }
            return list;
        }
        for (ClusterView.Member m : v.members()) {
            list.add(new MemberStatus(m.ordinal() >= 0 ? podName.apply(m.ordinal()) : null, m.nodeId(), m.role(),
                    m.healthy(), m.appliedIndex() >= 0 ? m.appliedIndex() : null, m.lag() >= 0 ? m.lag() : null,
                    m.problem()));
        }
        for (PodView p : v.nonMemberPods()) {
            NodeReport r = p.report().orElseThrow();
            boolean removed = v.isRetired(r.nodeId());
            list.add(new MemberStatus(p.name(), r.nodeId(), removed ? MemberRole.Removed : MemberRole.Joining, false,
                    r.appliedIndex(), null, removed ? "its node ID was removed from the cluster" : "not a member yet"));
        }
        return list;
    }

    private static OperationStatus operation(OperationStatus prev, Decision d, IntFunction<String> podName,
                                             String now) {
        Action a = d.action();
        if (a instanceof Action.None) {
            if (prev != null && prev.getFinishedAt() == null && d.lastStepFinished()) {
                OperationStatus done = new OperationStatus(prev.getType(), prev.getPod(), prev.getNodeId(),
                        prev.getReason(), prev.getStartedAt());
                done.setFinishedAt(now);
                return done;
            }
            return prev;
        }
        String pod = a.ordinal() >= 0 ? podName.apply(a.ordinal()) : null;
        return new OperationStatus(a.getClass().getSimpleName(), pod, a.subjectNodeId(), d.message(), now);
    }

    /** The recorded node-ID-to-ordinal mapping, read back from a status. */
    public static java.util.Map<Long, Integer> knownMembers(RaftKVClusterStatus status, String clusterName) {
        if (status == null) {
            return java.util.Map.of();
        }
        return status.getMembers().stream()
                .filter(m -> m.getNodeId() != null && m.getPod() != null && m.getRole() != MemberRole.Removed)
                .collect(Collectors.toMap(MemberStatus::getNodeId, m -> ordinalOf(m.getPod(), clusterName),
                        (a, b) -> a));
    }

    /** The last step recorded in a status. */
    public static Optional<io.raftkv.operator.plan.Observation.RecordedStep> lastStep(RaftKVClusterStatus status) {
        if (status == null || status.getOperation() == null || status.getOperation().getType() == null) {
            return Optional.empty();
        }
        OperationStatus op = status.getOperation();
        return Optional.of(new io.raftkv.operator.plan.Observation.RecordedStep(op.getType(), op.getPod(),
                op.getNodeId(), op.getFinishedAt() != null));
    }

    /** The ordinal of a pod named {@code <cluster>-<ordinal>}, or -1. */
    public static int ordinalOf(String pod, String clusterName) {
        String prefix = clusterName + "-";
        if (pod == null || !pod.startsWith(prefix)) {
            return -1;
        }
        try {
            return Integer.parseInt(pod.substring(prefix.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
