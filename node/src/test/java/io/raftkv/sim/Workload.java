package io.raftkv.sim;

import io.raftkv.raft.Membership;
import io.raftkv.raft.MembershipChange;
import io.raftkv.raft.NodeStatus;
import io.raftkv.raft.ProposeResult;
import io.raftkv.raft.RaftNode;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Random clients: they propose commands (at the node they believe leads, following NOT_LEADER hints), issue
 * ReadIndex reads at random nodes, and, if enabled, change the membership (add a learner with a new ID, promote
 * a learner, remove a member; never more than {@link #MAX_MEMBERS} members, never fewer than 3 voters once
 * there were 3) and transfer leadership.
 */
final class Workload {

    static final int MAX_MEMBERS = 6;

    private final Cluster cluster;
    private final SplittableRandom random;
    private final boolean membershipChanges;
    private final boolean transfers;
    private final int minVoters;
    private boolean active;
    private long believedLeader = RaftNode.NONE;

    Workload(Cluster cluster, boolean membershipChanges, boolean transfers) {
        this.cluster = cluster;
        this.random = cluster.random();
        this.membershipChanges = membershipChanges;
        this.transfers = transfers;
        this.minVoters = Math.min(3, cluster.nodes().size());
    }

    void start() {
        active = true;
        scheduleNext();
    }

    void stop() {
        active = false;
    }

    private void scheduleNext() {
        int gap = 1 + random.nextInt(cluster.settings().tickInterval());
        cluster.schedule(gap, "client", 0, null, () -> {
            if (active) {
                act();
                scheduleNext();
            }
        });
    }

    private void act() {
        int dice = random.nextInt(100);
        if (dice < 65) {
            propose();
        } else if (dice < 90) {
            read();
        } else if (dice < 95) {
            if (membershipChanges) {
                changeMembership();
            }
        } else if (transfers) {
            transfer();
        }
    }

    private void propose() {
        SimNode target = runningNode(believedLeader);
        if (target == null) {
            return;
        }
        Proposal p = cluster.propose(target.id);
        if (p == null) {
            ProposeResult r = cluster.lastProposeResult();
            believedLeader = r.status() == ProposeResult.Status.NOT_LEADER ? r.leaderHint() : RaftNode.NONE;
        }
    }

    private void read() {
        SimNode target = runningNode(RaftNode.NONE);
        if (target != null) {
            cluster.read(target.id);
        }
    }

    private void changeMembership() {
        SimNode leader = cluster.leader();
        if (leader == null) {
            return;
        }
        Membership m = leader.raft().membership();
        List<Long> learners = new ArrayList<>(new java.util.TreeSet<>(m.learners()));
        List<Long> voters = new ArrayList<>(new java.util.TreeSet<>(m.voters()));
        int dice = random.nextInt(3);
        if (dice == 0 && !learners.isEmpty()) {
            // Like an operator (and etcd's server), promote only a learner that has caught up with the leader.
            long learner = learners.get(random.nextInt(learners.size()));
            NodeStatus.PeerProgress pr = leader.raft().status().progress().get(learner);
            if (pr != null && pr.matchIndex() >= leader.raft().commitIndex()) {
                cluster.changeMembership(MembershipChange.promote(learner));
            }
        } else if (dice == 1 && m.members().size() < MAX_MEMBERS) {
            cluster.addLearner();
        } else if (voters.size() > minVoters || !learners.isEmpty()) {
            List<Long> removable = new ArrayList<>(learners);
            java.util.Collections.sort(removable);
            if (voters.size() > minVoters) {
                removable.addAll(voters);
            }
            cluster.changeMembership(MembershipChange.remove(removable.get(random.nextInt(removable.size()))));
        }
    }

    private void transfer() {
        SimNode leader = cluster.leader();
        if (leader == null) {
            return;
        }
        List<Long> voters = new ArrayList<>(new java.util.TreeSet<>(leader.raft().membership().voters()));
        voters.remove(leader.id);
        if (!voters.isEmpty()) {
            cluster.transferLeadership(voters.get(random.nextInt(voters.size())));
        }
    }

    /** The preferred node if it is running, else a random running node; null if none runs. */
    private SimNode runningNode(long preferred) {
        if (preferred != RaftNode.NONE) {
            try {
                SimNode n = cluster.node(preferred);
                if (n.isRunning()) {
                    return n;
                }
            } catch (IllegalArgumentException unknown) {
                // a hint naming a node the simulator has not started: fall through
            }
        }
        List<SimNode> running = new ArrayList<>();
        for (SimNode n : cluster.nodes()) {
            if (n.isRunning()) {
                running.add(n);
            }
        }
        return running.isEmpty() ? null : running.get(random.nextInt(running.size()));
    }
}
