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
 *   <li>Volume claims older than this RaftKVCluster (a deleted cluster of the same name) and nothing recorded
 *       as bootstrapped: refuse to start on them, unless the user asked to adopt them (then the StatefulSet is
 *       created with every pod that has such a claim, and those members come back with their data).</li>
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
 *   <li>The member the last step restarted or promoted is not back and caught up yet: wait (still progressing).</li>
 *   <li>Claims smaller than spec.storage.size: expand them one at a time where the StorageClass allows it;
 *       otherwise (or for a shrink, which Kubernetes cannot do) refuse with a finding.</li>
 * </ol>
 * An invalid spec is reported (and not applied by the reconciler); every rule still runs on what is observed,
 * so membership stays safe and status stays true while the spec waits for a fix.
 * The desired size comes only from the spec; a vanished pod is recreated by the StatefulSet and is never read
 * as a scale-down (etcd-operator bug #193).
 */
public final class Planner {

    /** Set to "true" to bring back the volume claims of a deleted cluster of the same name (rule 0). */
    public static final String ADOPT_ANNOTATION = "raftkv.io/adopt-volume-claims";

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
        /** This pass allowed a scale-down step only because of the override annotation. */
        private boolean forceUsed;
        /** The StatefulSet's size, -1 without one. */
        private int size = -1;

        Pass(Observation o, ClusterView v) {
            this.o = o;
            this.v = v;
        }

        Decision decide() {
            if (o.desiredReplicas() % 2 == 0) {
                findings.add(Finding.warning("EvenReplicas", o.desiredReplicas() + " members tolerate no more failures than "
                        + (o.desiredReplicas() - 1) + "; an odd size is recommended"));
            }
            if (o.desiredReplicas() < 3) {
                findings.add(Finding.warning("NoFaultTolerance", o.desiredReplicas() + (o.desiredReplicas() == 1
                        ? " member tolerates" : " members tolerate") + " no failure: losing one member stops the "
                        + "cluster; 3 members tolerate one failure, 5 tolerate two"));
            }
            if (!o.context().specProblems().isEmpty()) {
                findings.add(Finding.degraded("InvalidSpec", String.join("; ", o.context().specProblems())
                        + " (the last applied spec stays in force until this is fixed)"));
            }
            for (PodView p : o.podsInOrder()) {
                p.problem().ifPresent(problem -> findings.add(Finding.degraded("PodFailing", p.name() + ": " + problem)));
            }
            size = o.statefulSet().map(StatefulSetView::replicas).orElse(-1);
            Optional<Decision> foreign = foreignClaims();
            if (foreign.isPresent()) {
                return foreign.get();
            }
            bootstrapped = o.bootstrapped() || v.anyNodeJoined();
            if (o.statefulSet().isEmpty()) {
                if (!o.context().specProblems().isEmpty()) {
                    return waitFor(Progress.Blocked, "the spec is invalid: the StatefulSet is created once it is fixed");
                }
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
                    .or(() -> rollingRestart(n))
                    .or(this::awaitPlannedRecovery)
                    .or(() -> expandVolumes(n));
            return d.orElseGet(() -> waitFor(Progress.Idle, "the cluster matches the spec"));
        }

        // --- rule 0: claims of a deleted cluster

        private Optional<Decision> foreignClaims() {
            java.util.Set<Integer> foreign = o.context().foreignClaims();
            if (o.bootstrapped() || foreign.isEmpty()) {
                return Optional.empty();
            }
            List<Integer> ordinals = foreign.stream().sorted().toList();
            String claims = String.join(" ", ordinals.stream().map(this::claimName).toList());
            if (o.context().adoptClaims()) {
                int wanted = ordinals.get(ordinals.size() - 1) + 1;
                bootstrapped = true;
                return Optional.of(step(new ScaleStatefulSet(Math.max(wanted, size)), Progress.ReplacingMember,
                        "adopting the volume claims of a deleted cluster (" + claims + "): the StatefulSet runs "
                                + Math.max(wanted, size) + " pod(s) on them and their members come back with their data"));
            }
            findings.add(Finding.degraded("ForeignVolumeClaims", "the volume claims " + claims + " are older than "
                    + "this RaftKVCluster: they hold the data of a deleted cluster of the same name, and no pod starts "
                    + "on them. To start empty, delete them (kubectl delete pvc " + claims + "); to bring that "
                    + "cluster's data back, annotate this cluster " + ADOPT_ANNOTATION + "=true"));
            return Optional.of(waitFor(Progress.Blocked, "refusing to start on the volume claims of a deleted cluster"));
        }

        private String claimName(int ordinal) {
            return "data-" + o.context().clusterName() + "-" + ordinal;
        }

        // --- rule 12: the member the last step disrupted is not back yet

        /** Whether the member is unavailable because of the operator's own last step (expected, not a warning). */
        private boolean plannedDisruption(ClusterView.Member m) {
            return !lastStepFinished() && o.lastStep().filter(s -> switch (s.kind()) {
                case "RestartPod", "WipeMember" -> m.ordinal() >= 0 && podName(m.ordinal()).equals(s.pod());
                case "PromoteLearner" -> Long.valueOf(m.nodeId()).equals(s.nodeId());
                case "TransferLeadership" -> "does not follow the leader".equals(m.problem());
                default -> false;
            }).isPresent();
        }

        /**
         * Whether the last step's subject is back: a restarted or replaced pod runs a healthy voter, a promoted
         * node is healthy, every voter follows the new leader. Recorded, so a later failure of the same member is
         * reported again.
         */
        private boolean lastStepFinished() {
            if (o.lastStep().isEmpty() || o.lastStep().get().finished()) {
                return true;
            }
            Observation.RecordedStep s = o.lastStep().get();
            return switch (s.kind()) {
                case "RestartPod", "WipeMember" -> {
                    int ordinal = ordinalOfPod(s.pod());
                    OptionalLong id = ordinal < 0 ? OptionalLong.empty() : v.nodeIdAt(ordinal);
                    yield id.isPresent() && v.voters().contains(id.getAsLong()) && v.isHealthy(id.getAsLong());
                }
                case "PromoteLearner" -> s.nodeId() != null && v.isHealthy(s.nodeId());
                case "TransferLeadership" -> v.leader().isPresent()
                        && v.members().stream().noneMatch(m -> "does not follow the leader".equals(m.problem()));
                default -> true;
            };
        }

        private static int ordinalOfPod(String pod) {
            int dash = pod == null ? -1 : pod.lastIndexOf('-');
            try {
                return dash < 0 ? -1 : Integer.parseInt(pod.substring(dash + 1));
            } catch (NumberFormatException e) {
                return -1;
            }
        }

        private Optional<Decision> awaitPlannedRecovery() {
            for (ClusterView.Member m : v.members()) {
                if (!v.voters().contains(m.nodeId()) || m.healthy() || !plannedDisruption(m)) {
                    continue;
                }
                String kind = o.lastStep().orElseThrow().kind();
                Progress progress = switch (kind) {
                    case "RestartPod" -> Progress.RollingRestart;
                    case "WipeMember" -> Progress.ReplacingMember;
                    case "PromoteLearner" -> Progress.ScalingUp;
                    default -> null;
                };
                if (progress != null) {
                    return Optional.of(waitFor(progress, "waiting for node " + m.nodeId()
                            + (m.ordinal() >= 0 ? " (" + podName(m.ordinal()) + ")" : "") + " to be back and caught up: "
                            + m.problem()));
                }
            }
            return Optional.empty();
        }

        // --- rule 13: volume sizes

        private Optional<Decision> expandVolumes(int n) {
            StorageView s = o.context().storage();
            if (s.requestedBytes() <= 0) {
                return Optional.empty();
            }
            List<Integer> smaller = new ArrayList<>();
            List<Integer> larger = new ArrayList<>();
            new java.util.TreeMap<>(s.claimBytes()).forEach((ordinal, bytes) -> {
                if (ordinal < n && bytes < s.requestedBytes()) {
                    smaller.add(ordinal);
                } else if (ordinal < n && bytes > s.requestedBytes()) {
                    larger.add(ordinal);
                }
            });
            if (!larger.isEmpty()) {
                findings.add(Finding.degraded("StorageResizeRefused", "spec.storage.size is smaller than the volume "
                        + "claims " + String.join(" ", larger.stream().map(this::claimName).toList())
                        + ": Kubernetes cannot shrink a volume, so they keep their size; set spec.storage.size back"));
            }
            if (smaller.isEmpty()) {
                return Optional.empty();
            }
            if (!s.expansionAllowed()) {
                findings.add(Finding.degraded("StorageResizeRefused", "the StorageClass "
                        + (s.storageClass() == null ? "of the claims" : s.storageClass())
                        + " does not allow volume expansion (allowVolumeExpansion, or the operator may not read "
                        + "StorageClasses), so the volume claims "
                        + String.join(" ", smaller.stream().map(this::claimName).toList()) + " keep their size; "
                        + "set spec.storage.size back or let the StorageClass expand volumes"));
                return Optional.empty();
            }
            int ordinal = smaller.get(0);
            return Optional.of(step(new Action.ExpandVolumeClaim(ordinal), Progress.ExpandingVolumes,
                    "expanding the volume claim " + claimName(ordinal) + " to spec.storage.size ("
                            + smaller.size() + " to go)"));
        }

        // --- rule 3: no leader

        private Decision noLeader(int n) {
            int reachable = v.reachableVoters();
            int needed = NodeReport.quorum(v.voters().size());
            // With a majority answering, an election is under way (after a hand-off, a restart or a failure):
            // Available=False/NoLeader says so; only a lost majority needs a person.
            if (reachable < needed) {
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
                    forceUsed = !unhealthyOthers.isEmpty();
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
                Optional<Decision> blocked = blockedByUnhealthyVoters("promoting " + name);
                if (blocked.isPresent()) {
                    return blocked;
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
            Optional<Decision> blocked = blockedByUnhealthyVoters("adding a member");
            if (blocked.isPresent()) {
                return blocked.get();
            }
            return step(new ScaleStatefulSet(n + 1), Progress.ScalingUp, "growing the StatefulSet to " + (n + 1)
                    + " of " + o.desiredReplicas() + " members");
        }

        /**
         * A new voter raises the majority: with a voter already down, adding one leaves fewer failures to spare
         * while the newcomer catches up (etcd refuses such promotions too). Scale-up waits for every voter.
         */
        private Optional<Decision> blockedByUnhealthyVoters(String what) {
            List<Long> unhealthy = v.voters().stream().filter(x -> !v.isHealthy(x)).sorted().toList();
            if (unhealthy.isEmpty()) {
                return Optional.empty();
            }
            findings.add(Finding.degraded("ScaleUpBlocked", what + " waits until voters " + unhealthy
                    + " are healthy again: a new voter raises the majority while one is already missing"));
            return Optional.of(waitFor(Progress.Blocked, what + " waits for unhealthy voters " + unhealthy));
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
                if (!m.healthy() && v.voters().contains(m.nodeId()) && !plannedDisruption(m)) {
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
            return decision(action, progress, message);
        }

        private Decision waitFor(Progress progress, String message) {
            return decision(new None(), progress, message);
        }

        private Decision decision(Action action, Progress progress, String message) {
            boolean scaleDownPending = size >= 0 && o.desiredReplicas() < size;
            boolean used = forceUsed || (o.context().forceScaleDownUsed() && scaleDownPending);
            boolean clear = o.forceScaleDown() && o.context().forceScaleDownUsed() && !scaleDownPending;
            return new Decision(action, progress, message, findings, bootstrapped, v, used, clear,
                    lastStepFinished());
        }
    }
}
