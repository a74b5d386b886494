package io.raftkv.operator.plan;

import io.raftkv.operator.plan.Action.AddLearner;
import io.raftkv.operator.plan.Action.DeleteVolumeClaim;
import io.raftkv.operator.plan.Action.None;
import io.raftkv.operator.plan.Action.PromoteLearner;
import io.raftkv.operator.plan.Action.RemoveMember;
import io.raftkv.operator.plan.Action.RestartPod;
import io.raftkv.operator.plan.Action.ScaleStatefulSet;
import io.raftkv.operator.plan.Action.TransferLeadership;
import io.raftkv.operator.plan.Action.WipeMember;
import io.raftkv.operator.raft.NodeReport;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Observed cluster + spec → the one next step. Pure: no Kubernetes, no clocks, no I/O, so every transition is
 * unit-tested, and an operator that crashed between two steps simply plans again from what it sees.
 *
 * <p>Rules, in order (the first that applies wins):
 * <ol>
 *   <li>No StatefulSet: create it with one pod, which bootstraps the cluster alone. Members are then added
 *       one at a time like any scale-up (etcd-operator's approach), so bootstrap needs no special membership.</li>
 *   <li>Not bootstrapped yet: wait for pod 0's node to create the cluster.</li>
 *   <li>No leader: quorum lost or an election under way. Nothing disruptive; the only step allowed is
 *       restarting outdated pods whose node does not answer (they serve nothing, and a fixed image is how a
 *       crashing rollout recovers).</li>
 *   <li>A membership change is not committed yet: wait (one change at a time, thesis §4.1).</li>
 *   <li>A pod runs a removed (retired) node ID: wipe it so it returns as a new member (IDs are never reused).
 *       A pod left without its claim (recreated while the claim was being deleted) is recreated.</li>
 *   <li>Scale down, highest ordinal first: refuse if another member is unhealthy (unless overridden) or if
 *       the rest would have no healthy majority; transfer leadership away; remove the member; shrink.</li>
 *   <li>Members no pod runs any more (e.g. a node that lost its disk came back under a new ID): remove them.</li>
 *   <li>Claims of ordinals the StatefulSet no longer runs: delete them (unless the spec retains them).</li>
 *   <li>Empty nodes: add as learners. Caught-up learners: promote.</li>
 *   <li>Scale up: grow the StatefulSet by one once every existing pod runs a voter.</li>
 *   <li>Rolling restart: one pod at a time — not-ready pods first, then followers, the leader last after a
 *       leadership transfer — each only when the previously restarted pods are back and caught up and the
 *       others still hold a healthy majority.</li>
 * </ol>
 * The desired size comes only from the spec; a vanished pod is recreated by the StatefulSet and is never read
 * as a scale-down (etcd-operator bug #193).
 */
public final class Planner {

    private final long maxCatchUpLag;

    /** @param maxCatchUpLag how many entries behind the leader's commit index a member may be and count as caught up */
    public Planner(long maxCatchUpLag) {
        if (maxCatchUpLag < 0) {
            throw new IllegalArgumentException("maxCatchUpLag must be >= 0, got " + maxCatchUpLag);
        }
        this.maxCatchUpLag = maxCatchUpLag;
    }

    public Decision decide(Observation o) {
        return new Pass(o, new ClusterView(o, maxCatchUpLag)).decide();
    }

    /** One planning pass: carries the findings collected on the way. */
    private static final class Pass {
        private final Observation o;
        private final ClusterView v;
        private final List<Finding> findings = new ArrayList<>();
        private boolean bootstrapped;

        Pass(Observation o, ClusterView v) {
            this.o = o;
            this.v = v;
        }

        Decision decide() {
            if (o.desiredReplicas() % 2 == 0) {
                findings.add(Finding.warning("EvenReplicas", o.desiredReplicas() + " members tolerate no more failures than "
                        + (o.desiredReplicas() - 1) + "; an odd size is recommended"));
            }
            bootstrapped = o.bootstrapped() || v.anyNodeJoined();
            for (PodView p : o.podsInOrder()) {
                p.problem().ifPresent(problem -> findings.add(Finding.degraded("PodFailing", p.name() + ": " + problem)));
            }
            if (o.statefulSet().isEmpty()) {
                if (!bootstrapped) {
                    return step(new ScaleStatefulSet(1), Progress.Bootstrapping,
                            "creating the StatefulSet with its first pod");
                }
                // Deleted under a running cluster: recreate it with every pod a member is recorded on, so the
                // members come back on their volumes. Growing from one pod would make the others orphans
                // (rule 7) and remove them.
                int size = o.knownMembers().values().stream().mapToInt(i -> i + 1).max().orElse(1);
                return step(new ScaleStatefulSet(size), Progress.ReplacingMember,
                        "recreating the StatefulSet with the " + size + " pod(s) its members run on");
            }
            int n = o.statefulSet().get().replicas();
            if (!bootstrapped) {
                if (n < 1) {
                    return step(new ScaleStatefulSet(1), Progress.Bootstrapping, "starting the first pod");
                }
                return waitFor(Progress.Bootstrapping, "waiting for pod 0 to create the cluster");
            }
            reportUnhealthyMembers();
            if (v.leader().isEmpty()) {
                return noLeader(n);
            }
            NodeReport leader = v.leaderReport();
            if (!leader.configCommitted()) {
                return waitFor(progressOfInFlightChange(n), "waiting for the membership change to commit");
            }
            Optional<Decision> d = wipeRetired(n)
                    .or(() -> recreateClaimlessPods(n))
                    .or(() -> o.desiredReplicas() < n ? Optional.of(scaleDown(n)) : Optional.empty())
                    .or(() -> removeOrphans(n))
                    .or(() -> deleteLeftoverClaims(n))
                    .or(() -> addJoiners(n))
                    .or(() -> promoteLearners(n))
                    .or(() -> o.desiredReplicas() > n ? Optional.of(scaleUp(n)) : Optional.empty())
                    .or(() -> awaitMembers(n))
                    .or(() -> rollingRestart(n));
            return d.orElseGet(() -> waitFor(Progress.Idle, "the cluster matches the spec"));
        }

        // --- rule 3: no leader

        private Decision noLeader(int n) {
            int reachable = v.reachableVoters();
            int needed = NodeReport.quorum(v.voters().size());
            if (reachable >= needed) {
                findings.add(Finding.degraded("NoLeader", reachable + " of " + v.voters().size()
                        + " voters answer but none leads: an election is under way"));
            } else {
                findings.add(Finding.degraded("QuorumLost", "only " + reachable + " of " + v.voters().size()
                        + " voters answer, " + needed + " are needed to elect a leader"));
            }
            if (o.statefulSet().get().statusCurrent()) {
                String revision = o.statefulSet().get().updateRevision();
                for (PodView p : o.podsInOrder()) {
                    if (p.ordinal() < n && !p.terminating() && !p.ready() && p.report().isEmpty()
                            && !p.runsRevision(revision)) {
                        return step(new RestartPod(p.ordinal()), Progress.RollingRestart, "restarting " + p.name()
                                + ": it runs an outdated template and its node does not answer, so restarting it "
                                + "cannot reduce availability");
                    }
                }
            }
            return waitFor(Progress.WaitingForQuorum, "no leader; waiting for a majority of voters to return");
        }

        // --- rule 5: pods that run a retired ID

        private Optional<Decision> wipeRetired(int n) {
            for (PodView p : o.podsInOrder()) {
                if (p.ordinal() >= Math.min(n, o.desiredReplicas()) || p.terminating()) {
                    continue;
                }
                Optional<NodeReport> r = p.report();
                if (r.isPresent() && v.isRetired(r.get().nodeId())) {
                    long id = r.get().nodeId();
                    boolean wipedBefore = o.lastStep().filter(s -> s.kind().equals(WipeMember.class.getSimpleName())
                            && p.name().equals(s.pod()) && Long.valueOf(id).equals(s.nodeId())).isPresent();
                    if (wipedBefore) {
                        findings.add(Finding.degraded("NodeIdReused", p.name() + " came back empty with node ID " + id
                                + ", which was removed from the cluster: the node must choose a fresh ID when it "
                                + "joins with an empty disk"));
                        return Optional.of(waitFor(Progress.Blocked, p.name() + " reuses removed node ID " + id));
                    }
                    return Optional.of(step(new WipeMember(p.ordinal(), id), Progress.ReplacingMember, p.name()
                            + " runs node " + r.get().nodeId() + ", which was removed from the cluster; deleting its "
                            + "volume claim so it restarts empty and joins as a new member"));
                }
            }
            return Optional.empty();
        }

        /**
         * A pod recreated while its old claim was still being deleted waits for that claim forever; deleting
         * the pod again lets the StatefulSet create a fresh claim with it.
         */
        private Optional<Decision> recreateClaimlessPods(int n) {
            for (PodView p : o.podsInOrder()) {
                if (p.ordinal() < n && !p.terminating() && !p.ready() && p.report().isEmpty()
                        && !o.volumeClaims().contains(p.ordinal())) {
                    return Optional.of(step(new RestartPod(p.ordinal()), Progress.ReplacingMember, p.name()
                            + " has no volume claim (it was deleted under it); recreating the pod so that the "
                            + "StatefulSet creates a fresh claim"));
                }
            }
            return Optional.empty();
        }

        // --- rule 6: scale down

        private Decision scaleDown(int n) {
            int k = n - 1;
            String pod = podName(k);
            OptionalLong id = v.nodeIdAt(k);
            if (id.isPresent() && v.isMember(id.getAsLong())) {
                long target = id.getAsLong();
                if (v.voters().contains(target)) {
                    List<Long> unhealthyOthers = v.voters().stream().filter(x -> x != target && !v.isHealthy(x))
                            .sorted().toList();
                    int votersAfter = v.voters().size() - 1;
                    if (!v.healthyMajorityWithout(target, votersAfter)) {
                        return refuseScaleDown("removing " + pod + " would leave " + v.healthyVoters(x -> x != target)
                                + " healthy of " + votersAfter + " voters, less than a majority");
                    }
                    if (!unhealthyOthers.isEmpty() && !o.forceScaleDown()) {
                        return refuseScaleDown("members " + unhealthyOthers + " are unhealthy; keeping " + n
                                + " members (annotate with raftkv.io/force-scale-down=true to override)");
                    }
                    if (v.leaderId().getAsLong() == target) {
                        Optional<Long> successor = bestSuccessor(target, null);
                        if (successor.isEmpty()) {
                            return refuseScaleDown(pod + " leads and no other voter is caught up to take over");
                        }
                        return step(new TransferLeadership(k, successor.get(), ordinalOf(successor.get())),
                                Progress.ScalingDown, pod + " leads: handing leadership to node " + successor.get()
                                        + " before removing it");
                    }
                }
                return step(new RemoveMember(k, target, leaderOrdinal()), Progress.ScalingDown,
                        "removing node " + target + " (" + pod + ") from the cluster");
            }
            return step(new ScaleStatefulSet(k), Progress.ScalingDown, "node of " + pod
                    + " is no longer a member; shrinking the StatefulSet to " + k);
        }

        private Decision refuseScaleDown(String why) {
            findings.add(Finding.degraded("ScaleDownRefused", why));
            return waitFor(Progress.Blocked, "scale-down refused: " + why);
        }

        // --- rule 7: members no pod runs any more

        private Optional<Decision> removeOrphans(int n) {
            for (long id : v.membersLearnersFirst()) {
                if (v.podRunning(id).filter(p -> p.ordinal() < n).isPresent()) {
                    continue;
                }
                Integer recorded = o.knownMembers().get(id);
                if (recorded == null) {
                    findings.add(Finding.degraded("UnknownMember", "node " + id + " is a member but no pod is known to "
                            + "run it; remove it by hand if it is gone for good"));
                    continue;
                }
                boolean replaced = o.pod(recorded).flatMap(PodView::report).filter(r -> r.nodeId() != id).isPresent();
                if (recorded < n && !replaced) {
                    continue; // its pod is down or restarting: it will come back with its disk
                }
                String why = recorded >= n ? podName(recorded) + " no longer exists"
                        : podName(recorded) + " now runs another node (its disk was lost)";
                if (v.voters().contains(id) && !v.healthyMajorityWithout(id, v.voters().size() - 1)) {
                    findings.add(Finding.degraded("RemovalBlocked", "node " + id + " should be removed (" + why
                            + ") but the other voters have no healthy majority"));
                    return Optional.of(waitFor(Progress.Blocked, "waiting for a healthy majority to remove node " + id));
                }
                return Optional.of(step(new RemoveMember(recorded < n ? recorded : -1, id, leaderOrdinal()),
                        recorded < n ? Progress.ReplacingMember : Progress.ScalingDown,
                        "removing node " + id + ": " + why));
            }
            return Optional.empty();
        }

        // --- rule 8: leftover claims

        private Optional<Decision> deleteLeftoverClaims(int n) {
            if (!o.deleteRemovedClaims()) {
                return Optional.empty();
            }
            return o.volumeClaims().stream().sorted()
                    .filter(c -> c >= n && o.pod(c).isEmpty())
                    .findFirst()
                    .map(c -> step(new DeleteVolumeClaim(c), o.desiredReplicas() > n ? Progress.ScalingUp
                            : Progress.ScalingDown, "deleting the volume claim of " + podName(c)
                            + ", which the StatefulSet no longer runs"));
        }

        // --- rule 9: joiners and learners

        private Optional<Decision> addJoiners(int n) {
            for (PodView p : v.nonMemberPods()) {
                NodeReport r = p.report().orElseThrow();
                if (p.ordinal() >= Math.min(n, o.desiredReplicas()) || p.terminating() || r.joined()
                        || v.isRetired(r.nodeId())) {
                    continue;
                }
                boolean replacing = o.knownMembers().entrySet().stream()
                        .anyMatch(e -> e.getValue() == p.ordinal() && e.getKey() != r.nodeId());
                return Optional.of(step(new AddLearner(p.ordinal(), r.nodeId(), leaderOrdinal()),
                        replacing ? Progress.ReplacingMember : Progress.ScalingUp,
                        "adding node " + r.nodeId() + " (" + p.name() + ") as a learner"));
            }
            return Optional.empty();
        }

        private Optional<Decision> promoteLearners(int n) {
            for (long id : v.learners().stream().sorted().toList()) {
                Optional<PodView> pod = v.podRunning(id);
                if (pod.isEmpty() || pod.get().ordinal() >= Math.min(n, o.desiredReplicas())) {
                    continue;
                }
                String name = pod.get().name();
                if (!v.isCaughtUp(id)) {
                    return Optional.of(waitFor(Progress.LearnerCatchingUp, "learner " + id + " (" + name + ") is "
                            + v.member(id).map(ClusterView.Member::problem).orElse("catching up")));
                }
                int votersAfter = v.voters().size() + 1;
                if (v.healthyVoters(x -> true) + 1 < NodeReport.quorum(votersAfter)) {
                    findings.add(Finding.degraded("PromotionBlocked", "promoting " + name + " would make "
                            + votersAfter + " voters with too few healthy ones for a majority"));
                    return Optional.of(waitFor(Progress.Blocked, "waiting for healthy voters before promoting " + name));
                }
                return Optional.of(step(new PromoteLearner(pod.get().ordinal(), id, leaderOrdinal()),
                        Progress.ScalingUp, "promoting caught-up learner " + id + " (" + name + ") to voter"));
            }
            return Optional.empty();
        }

        // --- rule 10: scale up

        private Decision scaleUp(int n) {
            for (PodView p : o.podsInOrder()) {
                if (p.ordinal() >= n) {
                    return waitFor(Progress.ScalingUp, "waiting for " + p.name() + " to terminate before growing");
                }
            }
            if (o.deleteRemovedClaims() && o.volumeClaims().contains(n)) {
                return waitFor(Progress.ScalingUp, "waiting for the old claim of " + podName(n) + " to go");
            }
            for (int i = 0; i < n; i++) {
                OptionalLong id = v.nodeIdAt(i);
                if (id.isEmpty() || !v.voters().contains(id.getAsLong())) {
                    return waitFor(Progress.ScalingUp, "waiting for " + podName(i) + " to become a voter");
                }
            }
            return step(new ScaleStatefulSet(n + 1), Progress.ScalingUp, "growing the StatefulSet to " + (n + 1)
                    + " of " + o.desiredReplicas() + " members");
        }

        /** Every pod the StatefulSet runs must run a voter before the cluster counts as matching the spec. */
        private Optional<Decision> awaitMembers(int n) {
            for (int i = 0; i < n; i++) {
                if (o.pod(i).isEmpty()) {
                    return Optional.of(waitFor(Progress.ReplacingMember, podName(i)
                            + " is missing; the StatefulSet recreates it"));
                }
                OptionalLong id = v.nodeIdAt(i);
                if (id.isEmpty() || !v.voters().contains(id.getAsLong())) {
                    int ordinal = i;
                    boolean hadMember = o.knownMembers().containsValue(ordinal);
                    return Optional.of(waitFor(hadMember ? Progress.ReplacingMember : Progress.ScalingUp,
                            "waiting for " + podName(i) + " to join as a voter"));
                }
            }
            return Optional.empty();
        }

        // --- rule 11: rolling restart

        private Optional<Decision> rollingRestart(int n) {
            StatefulSetView sts = o.statefulSet().get();
            if (!sts.statusCurrent()) {
                return Optional.of(waitFor(Progress.Idle, "waiting for the StatefulSet controller to observe the template"));
            }
            List<PodView> outdated = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                PodView p = o.pod(i).orElseThrow();
                if (!p.runsRevision(sts.updateRevision())) {
                    outdated.add(p);
                }
            }
            if (outdated.isEmpty()) {
                return Optional.empty();
            }
            for (int i = 0; i < n; i++) {
                PodView p = o.pod(i).orElseThrow();
                if (p.terminating()) {
                    return Optional.of(waitFor(Progress.RollingRestart, "waiting for " + p.name() + " to terminate"));
                }
                OptionalLong id = v.nodeIdAt(i);
                if (p.runsRevision(sts.updateRevision()) && (id.isEmpty() || !v.isHealthy(id.getAsLong()))) {
                    return Optional.of(waitFor(Progress.RollingRestart, "waiting for restarted " + p.name()
                            + " to rejoin and catch up"));
                }
            }
            long leaderId = v.leaderId().getAsLong();
            PodView next = outdated.stream()
                    .min(Comparator.comparingInt((PodView p) -> restartRank(p, leaderId))
                            .thenComparing(Comparator.comparingInt(PodView::ordinal).reversed()))
                    .orElseThrow();
            OptionalLong id = v.nodeIdAt(next.ordinal());
            // With one or two voters every restart stops the cluster for a moment: no majority can stay up.
            boolean tiny = v.voters().size() <= 2;
            if (id.isPresent() && id.getAsLong() == leaderId && v.voters().size() > 1) {
                Optional<Long> successor = bestSuccessor(leaderId, sts.updateRevision());
                if (successor.isEmpty()) {
                    findings.add(Finding.degraded("RestartBlocked", "the leader " + next.name()
                            + " needs a restart but no other voter is caught up to take over"));
                    return Optional.of(waitFor(Progress.Blocked, "waiting for a caught-up voter to take over from "
                            + next.name()));
                }
                return Optional.of(step(new TransferLeadership(next.ordinal(), successor.get(),
                        ordinalOf(successor.get())), Progress.RollingRestart, "handing leadership from " + next.name()
                        + " to node " + successor.get() + " before restarting it"));
            }
            if (tiny) {
                findings.add(Finding.warning("UnavoidableDowntime", "with " + v.voters().size()
                        + " voters a restart makes the cluster unavailable until the member is back; use 3 or more"));
                if (id.isPresent() && v.healthyVoters(x -> x != id.getAsLong()) < v.voters().size() - 1) {
                    return Optional.of(waitFor(Progress.Blocked, "waiting for every other voter to be healthy "
                            + "before restarting " + next.name()));
                }
            } else if (id.isPresent() && v.voters().contains(id.getAsLong())
                    && !v.healthyMajorityWithout(id.getAsLong(), v.voters().size())) {
                findings.add(Finding.degraded("RestartBlocked", "restarting " + next.name() + " would leave "
                        + v.healthyVoters(x -> x != id.getAsLong()) + " healthy of " + v.voters().size()
                        + " voters, less than a majority"));
                return Optional.of(waitFor(Progress.Blocked, "waiting for a healthy majority before restarting "
                        + next.name()));
            }
            return Optional.of(step(new RestartPod(next.ordinal()), Progress.RollingRestart,
                    "restarting " + next.name() + " on the new template (" + outdated.size() + " to go)"));
        }

        /** Not-ready or unhealthy pods first (0), then followers (1), the leader last (2). */
        private int restartRank(PodView p, long leaderId) {
            OptionalLong id = v.nodeIdAt(p.ordinal());
            if (id.isEmpty() || !v.isHealthy(id.getAsLong())) {
                return 0;
            }
            return id.getAsLong() == leaderId ? 2 : 1;
        }

        /** The healthy voter other than {@code current} with the smallest lag, preferring updated pods. */
        private Optional<Long> bestSuccessor(long current, String preferredRevision) {
            return v.voters().stream()
                    .filter(x -> x != current && v.isHealthy(x))
                    .min(Comparator.comparingInt((Long x) -> v.podRunning(x)
                                    .filter(p -> p.runsRevision(preferredRevision)).isPresent() ? 0 : 1)
                            .thenComparingLong(x -> v.member(x).orElseThrow().lag())
                            .thenComparingLong(x -> x));
        }

        // --- helpers

        private void reportUnhealthyMembers() {
            if (v.leader().isEmpty()) {
                return;
            }
            for (ClusterView.Member m : v.members()) {
                if (!m.healthy() && v.voters().contains(m.nodeId())) {
                    findings.add(Finding.degraded("MemberUnhealthy", "node " + m.nodeId()
                            + (m.ordinal() >= 0 ? " (" + podName(m.ordinal()) + ")" : "") + ": " + m.problem()));
                }
            }
        }

        private Progress progressOfInFlightChange(int n) {
            return o.desiredReplicas() < n ? Progress.ScalingDown : o.desiredReplicas() > n ? Progress.ScalingUp
                    : Progress.ReplacingMember;
        }

        private int leaderOrdinal() {
            return v.leader().orElseThrow().ordinal();
        }

        private int ordinalOf(long id) {
            return v.podRunning(id).map(PodView::ordinal).orElse(-1);
        }

        private String podName(int ordinal) {
            return o.pod(ordinal).map(PodView::name).orElse("pod " + ordinal);
        }

        private Decision step(Action action, Progress progress, String message) {
            return new Decision(action, progress, message, findings, bootstrapped, v);
        }

        private Decision waitFor(Progress progress, String message) {
            return new Decision(new None(), progress, message, findings, bootstrapped, v);
        }
    }
}
