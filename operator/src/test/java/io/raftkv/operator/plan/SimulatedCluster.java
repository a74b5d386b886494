package io.raftkv.operator.plan;

import io.raftkv.operator.raft.AdminEndpoint;
import io.raftkv.operator.raft.NodeReport;
import io.raftkv.operator.raft.RaftAdmin;
import io.raftkv.operator.raft.RaftAdminException;
import io.raftkv.operator.raft.RaftRole;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A small, deterministic model of what the operator drives: a StatefulSet controller (Parallel pod management,
 * OnDelete updates), volume claims that keep a node's ID, and a Raft group whose membership changes one at a
 * time and commit one tick later. Time advances only in {@link #tick()}. Faults are injected by the test.
 */
final class SimulatedCluster implements RaftAdmin {

    static final String NAME = "demo";
    static final long ENTRIES_PER_TICK = 50;
    static final long CATCH_UP_PER_TICK = 400;

    /** A running (or starting) pod. */
    static final class Pod {
        final int ordinal;
        String revision;
        boolean started;          // its node process runs
        boolean crashed;          // the node is down (unreachable) but the pod object stays
        boolean terminating;
        long nodeId;              // 0 until started
        long applied;

        Pod(int ordinal, String revision) {
            this.ordinal = ordinal;
            this.revision = revision;
        }
    }

    Integer stsReplicas;            // null: no StatefulSet
    String revision = "rev-1";
    boolean stsStatusCurrent = true;
    final Map<Integer, Pod> pods = new TreeMap<>();
    /** Volume claims: ordinal to the node ID on disk (0 = empty) and that node's applied index. */
    final Map<Integer, long[]> claims = new TreeMap<>();
    boolean bootstrapAllowed = true;

    // Raft state (one authoritative configuration)
    final Set<Long> voters = new TreeSet<>();
    final Set<Long> learners = new TreeSet<>();
    final Set<Long> retired = new TreeSet<>();
    boolean configCommitted = true;
    long leader;                    // 0: none
    long term;
    long commitIndex;
    long pendingTransfer;
    final Set<Long> everAssigned = new HashSet<>();
    private long nextId = 101;
    boolean writes = true;
    /** Mimic a node that derives its ID from its ordinal (ordinal + 1) instead of choosing a fresh one. */
    boolean idsFromOrdinal;

    final List<String> log = new ArrayList<>();

    // --- observation

    Observation observe(int desiredReplicas, boolean force, boolean deleteClaims, Map<Long, Integer> knownMembers,
                        boolean bootstrapped) {
        return observe(desiredReplicas, force, deleteClaims, knownMembers, bootstrapped, Optional.empty());
    }

    Observation observe(int desiredReplicas, boolean force, boolean deleteClaims, Map<Long, Integer> knownMembers,
                        boolean bootstrapped, Optional<Observation.RecordedStep> lastStep) {
        Map<Integer, PodView> views = new HashMap<>();
        for (Pod p : pods.values()) {
            Optional<NodeReport> report = reachable(p) ? Optional.of(report(p)) : Optional.empty();
            views.put(p.ordinal, new PodView(p.ordinal, podName(p.ordinal), ready(p), p.terminating, p.revision, report));
        }
        Optional<StatefulSetView> sts = stsReplicas == null ? Optional.empty()
                : Optional.of(new StatefulSetView(stsReplicas, stsStatusCurrent, revision));
        return new Observation(desiredReplicas, force, deleteClaims, sts, views, claims.keySet(), knownMembers,
                bootstrapped, lastStep);
    }

    static String podName(int ordinal) {
        return NAME + "-" + ordinal;
    }

    boolean reachable(Pod p) {
        return p.started && !p.crashed;
    }

    boolean ready(Pod p) {
        if (!reachable(p) || p.terminating) {
            return false;
        }
        boolean member = voters.contains(p.nodeId) || learners.contains(p.nodeId);
        return member && leader != 0 && commitIndex - p.applied <= 1000;
    }

    NodeReport report(Pod p) {
        long id = p.nodeId;
        boolean member = voters.contains(id) || learners.contains(id);
        if (!member && !retired.contains(id)) {
            return new NodeReport(id, RaftRole.NONE, 0, 0, 0, 0, Set.of(), Set.of(), Set.of(), false);
        }
        RaftRole role = id == leader ? RaftRole.LEADER : leader == 0 ? RaftRole.CANDIDATE : RaftRole.FOLLOWER;
        long leaderId = member ? leader : 0;
        return new NodeReport(id, role, term, leaderId, Math.min(commitIndex, p.applied), p.applied, voters, learners,
                retired, configCommitted);
    }

    Pod podOfNode(long id) {
        return pods.values().stream().filter(p -> p.started && p.nodeId == id).findFirst().orElse(null);
    }

    boolean upVoter(long id) {
        Pod p = podOfNode(id);
        return p != null && reachable(p) && !p.terminating;
    }

    int upVoters() {
        return (int) voters.stream().filter(this::upVoter).count();
    }

    // --- applying the operator's Kubernetes-side steps

    void apply(Action action) throws RaftAdminException {
        log.add(action.toString());
        if (action instanceof Action.ScaleStatefulSet s) {
            stsReplicas = s.replicas();
        } else if (action instanceof Action.RestartPod r) {
            deletePod(r.ordinal());
        } else if (action instanceof Action.WipeMember w) {
            claims.remove(w.ordinal());
            deletePod(w.ordinal());
        } else if (action instanceof Action.DeleteVolumeClaim c) {
            if (pods.containsKey(c.ordinal())) {
                throw new IllegalStateException("deleting the claim of running pod " + c.ordinal());
            }
            claims.remove(c.ordinal());
        } else if (action instanceof Action.AddLearner a) {
            addLearner(endpoint(a.leaderOrdinal()), a.nodeId(), podName(a.ordinal()));
        } else if (action instanceof Action.PromoteLearner a) {
            promoteLearner(endpoint(a.leaderOrdinal()), a.nodeId());
        } else if (action instanceof Action.RemoveMember a) {
            removeMember(endpoint(a.leaderOrdinal()), a.nodeId());
        } else if (action instanceof Action.TransferLeadership t) {
            transferLeadership(endpoint(t.leaderOrdinal()), t.targetNodeId());
        }
    }

    static AdminEndpoint endpoint(int ordinal) {
        return new AdminEndpoint(podName(ordinal), podName(ordinal), 7002);
    }

    void deletePod(int ordinal) {
        Pod p = pods.get(ordinal);
        if (p != null) {
            p.terminating = true;
        }
    }

    // --- the admin API

    @Override
    public NodeReport status(AdminEndpoint node) throws RaftAdminException {
        Pod p = pods.get(ordinalOf(node));
        if (p == null || !reachable(p)) {
            throw new RaftAdminException(node + " unreachable");
        }
        return report(p);
    }

    private Pod leaderAt(AdminEndpoint node) throws RaftAdminException {
        Pod p = pods.get(ordinalOf(node));
        if (p == null || !reachable(p) || p.nodeId != leader) {
            throw new RaftAdminException(node + " is not the leader");
        }
        if (!configCommitted) {
            throw new RaftAdminException("a membership change is in flight");
        }
        return p;
    }

    @Override
    public void addLearner(AdminEndpoint l, long nodeId, String peerAddress) throws RaftAdminException {
        leaderAt(l);
        if (retired.contains(nodeId)) {
            throw new RaftAdminException("node " + nodeId + " was removed; IDs are never reused");
        }
        if (voters.contains(nodeId) || learners.contains(nodeId)) {
            throw new RaftAdminException("node " + nodeId + " is already a member");
        }
        learners.add(nodeId);
        configCommitted = false;
    }

    @Override
    public void promoteLearner(AdminEndpoint l, long nodeId) throws RaftAdminException {
        leaderAt(l);
        if (!learners.remove(nodeId)) {
            throw new RaftAdminException("node " + nodeId + " is not a learner");
        }
        voters.add(nodeId);
        configCommitted = false;
    }

    @Override
    public void removeMember(AdminEndpoint l, long nodeId) throws RaftAdminException {
        leaderAt(l);
        if (!voters.remove(nodeId) && !learners.remove(nodeId)) {
            throw new RaftAdminException("node " + nodeId + " is not a member");
        }
        retired.add(nodeId);
        configCommitted = false;
        if (nodeId == leader) {
            leader = 0; // a removed leader steps down
        }
    }

    @Override
    public void transferLeadership(AdminEndpoint l, long target) throws RaftAdminException {
        leaderAt(l);
        if (!voters.contains(target)) {
            throw new RaftAdminException("node " + target + " is not a voter");
        }
        pendingTransfer = target;
    }

    private static int ordinalOf(AdminEndpoint e) {
        return Integer.parseInt(e.pod().substring(NAME.length() + 1));
    }

    // --- time

    void tick() {
        // pods that were terminating go away
        pods.values().removeIf(p -> p.terminating);
        if (stsReplicas != null) {
            // StatefulSet controller, Parallel pod management: remove surplus pods, create missing ones
            for (Pod p : pods.values()) {
                if (p.ordinal >= stsReplicas) {
                    p.terminating = true;
                }
            }
            for (int i = 0; i < stsReplicas; i++) {
                if (!pods.containsKey(i)) {
                    pods.put(i, new Pod(i, revision));
                    claims.putIfAbsent(i, new long[] {0, 0});
                } else {
                    Pod p = pods.get(i);
                    if (!p.started) {
                        start(p);
                    }
                }
            }
        }
        raftTick();
    }

    private void start(Pod p) {
        long[] disk = claims.get(p.ordinal);
        if (disk[0] == 0) {
            disk[0] = idsFromOrdinal ? p.ordinal + 1 : nextId++;
            everAssigned.add(disk[0]);
            disk[1] = 0;
            if (p.ordinal == 0 && bootstrapAllowed && voters.isEmpty() && retired.isEmpty()) {
                voters.add(disk[0]);
                leader = disk[0];
                term = 1;
            }
        }
        p.nodeId = disk[0];
        p.applied = disk[1];
        p.started = true;
    }

    private void raftTick() {
        if (pendingTransfer != 0 && upVoter(pendingTransfer)) {
            leader = pendingTransfer;
            term++;
        }
        pendingTransfer = 0;
        if (leader != 0 && (!upVoter(leader) || upVoters() < NodeReport.quorum(voters.size()))) {
            leader = 0; // the leader died or lost its majority (CheckQuorum)
        }
        if (leader == 0 && !voters.isEmpty() && upVoters() >= NodeReport.quorum(voters.size())) {
            long best = voters.stream().filter(this::upVoter)
                    .max((a, b) -> Long.compare(podOfNode(a).applied, podOfNode(b).applied)).orElseThrow();
            leader = best;
            term++;
        }
        if (leader == 0) {
            return;
        }
        if (!configCommitted && upVoters() >= NodeReport.quorum(voters.size())) {
            configCommitted = true;
        }
        if (writes) {
            commitIndex += ENTRIES_PER_TICK;
        }
        for (Pod p : pods.values()) {
            if (!reachable(p) || !(voters.contains(p.nodeId) || learners.contains(p.nodeId))) {
                continue;
            }
            p.applied = Math.min(commitIndex, p.applied + CATCH_UP_PER_TICK);
            if (p.nodeId == leader) {
                p.applied = commitIndex;
            }
            claims.get(p.ordinal)[1] = p.applied;
        }
    }

    // --- faults

    /** The pod object disappears (e.g. evicted); the StatefulSet recreates it with the same claim. */
    void vanish(int ordinal) {
        pods.remove(ordinal);
    }

    /** The node process hangs: the pod stays but is unreachable and not ready. */
    void crash(int ordinal) {
        pods.get(ordinal).crashed = true;
    }

    void recover(int ordinal) {
        pods.get(ordinal).crashed = false;
    }

    /** The disk is lost: claim and pod go; the pod comes back empty under a new ID. */
    void loseDisk(int ordinal) {
        claims.remove(ordinal);
        pods.remove(ordinal);
    }

    /** A new pod template (image, config, resources or restart annotation). */
    void changeTemplate(String newRevision) {
        revision = newRevision;
    }

    // --- convergence

    boolean converged(int desired) {
        if (stsReplicas == null || stsReplicas != desired || pods.size() != desired || !configCommitted
                || leader == 0 || !learners.isEmpty() || voters.size() != desired) {
            return false;
        }
        for (Pod p : pods.values()) {
            if (!reachable(p) || p.terminating || !voters.contains(p.nodeId) || !revision.equals(p.revision)) {
                return false;
            }
        }
        return true;
    }

    Map<Integer, Long> nodeIds() {
        Map<Integer, Long> ids = new TreeMap<>();
        pods.values().forEach(p -> ids.put(p.ordinal, p.nodeId));
        return ids;
    }
}
