package io.raftkv.operator.reconcile;

import io.raftkv.operator.raft.AdminEndpoint;
import io.raftkv.operator.raft.NodeReport;
import io.raftkv.operator.raft.RaftAdmin;
import io.raftkv.operator.raft.RaftAdminException;
import io.raftkv.operator.raft.RaftRole;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Raft group behind the admin API, for reconciler tests on an API server without kubelets: each pod name
 * gets a node (its "disk") on first contact; pod 0 bootstraps when no cluster exists; membership changes
 * commit at once; members are always caught up unless marked unreachable.
 */
final class FakeRaftGroup implements RaftAdmin {

    private final Map<String, Long> nodeOfPod = new HashMap<>();
    private final Set<Long> voters = new TreeSet<>();
    private final Set<Long> learners = new TreeSet<>();
    private final Set<Long> retired = new TreeSet<>();
    private final Set<String> unreachable = new HashSet<>();
    private long leader;
    private long nextId = 11;
    final AtomicInteger membershipCalls = new AtomicInteger();

    @Override
    public synchronized NodeReport status(AdminEndpoint node) throws RaftAdminException {
        if (unreachable.contains(node.pod())) {
            throw new RaftAdminException(node.pod() + " unreachable");
        }
        long id = nodeOfPod.computeIfAbsent(node.pod(), p -> {
            long fresh = nextId++;
            if (p.endsWith("-0") && voters.isEmpty() && retired.isEmpty()) {
                voters.add(fresh);
                leader = fresh;
            }
            return fresh;
        });
        boolean member = voters.contains(id) || learners.contains(id);
        if (!member && !retired.contains(id)) {
            return new NodeReport(id, RaftRole.NONE, 0, 0, 0, 0, Set.of(), Set.of(), Set.of(), false);
        }
        return new NodeReport(id, id == leader ? RaftRole.LEADER : RaftRole.FOLLOWER, 1, leader, 100, 100,
                voters, learners, retired, true);
    }

    private void checkLeader(AdminEndpoint l) throws RaftAdminException {
        membershipCalls.incrementAndGet();
        Long id = nodeOfPod.get(l.pod());
        if (id == null || id != leader) {
            throw new RaftAdminException(l.pod() + " is not the leader");
        }
    }

    @Override
    public synchronized void addLearner(AdminEndpoint l, long nodeId, String peerAddress) throws RaftAdminException {
        checkLeader(l);
        if (retired.contains(nodeId) || voters.contains(nodeId) || learners.contains(nodeId)) {
            throw new RaftAdminException("cannot add " + nodeId);
        }
        learners.add(nodeId);
    }

    @Override
    public synchronized void promoteLearner(AdminEndpoint l, long nodeId) throws RaftAdminException {
        checkLeader(l);
        if (!learners.remove(nodeId)) {
            throw new RaftAdminException(nodeId + " is not a learner");
        }
        voters.add(nodeId);
    }

    @Override
    public synchronized void removeMember(AdminEndpoint l, long nodeId) throws RaftAdminException {
        checkLeader(l);
        if (!voters.remove(nodeId) && !learners.remove(nodeId)) {
            throw new RaftAdminException(nodeId + " is not a member");
        }
        retired.add(nodeId);
    }

    @Override
    public synchronized void transferLeadership(AdminEndpoint l, long target) throws RaftAdminException {
        checkLeader(l);
        leader = target;
    }

    synchronized void setUnreachable(String pod, boolean down) {
        if (down) {
            unreachable.add(pod);
        } else {
            unreachable.remove(pod);
        }
    }

    synchronized Set<Long> voters() {
        return Set.copyOf(voters);
    }

    synchronized String leaderPod() {
        return nodeOfPod.entrySet().stream().filter(e -> e.getValue() == leader).map(Map.Entry::getKey)
                .findFirst().orElse(null);
    }
}
