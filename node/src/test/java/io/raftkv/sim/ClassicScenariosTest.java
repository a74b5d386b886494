package io.raftkv.sim;

import io.raftkv.raft.Membership;
import io.raftkv.raft.MembershipChange;
import io.raftkv.raft.ProposeResult;
import io.raftkv.raft.RaftConfig;
import io.raftkv.raft.Role;
import io.raftkv.raft.TransferResult;
import io.raftkv.raft.message.AppendResponse;
import io.raftkv.raft.message.InstallSnapshot;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The classic Raft scenarios (after the MIT 6.824 tests and the Raft paper's figures), each a short story on a
 * simulated cluster. Every step of every story is also checked against all invariants by the cluster itself.
 */
class ClassicScenariosTest {

    private static final int ELECTION_BOUND = 50;

    private static Cluster cluster(long seed, int voters) {
        return cluster(seed, voters, SimSettings.defaults());
    }

    private static Cluster cluster(long seed, int voters, SimSettings settings) {
        return new Cluster(seed, voters, settings).start();
    }

    @Test
    void initialElection() {
        Cluster c = cluster(1, 3);
        c.play(() -> {
            c.runUntil(c::hasLeader, ELECTION_BOUND, "a first leader");
            long leader = c.leaderId();
            long term = c.node(leader).raft().term();

            c.runFor(100); // a quiet network: the leader must stay, and everyone must know it

            assertThat(c.leaderId()).as("leader after 100 quiet ticks").isEqualTo(leader);
            assertThat(c.node(leader).raft().term()).as("term after 100 quiet ticks").isEqualTo(term);
            for (SimNode n : c.nodes()) {
                assertThat(n.raft().leader()).as("leader known to n%d", n.id).isEqualTo(leader);
                assertThat(n.raft().term()).as("term of n%d", n.id).isEqualTo(term);
            }
        });
    }

    @Test
    void reElectionAfterTheLeaderIsCutOff() {
        Cluster c = cluster(2, 3);
        c.play(() -> {
            c.runUntil(c::hasLeader, ELECTION_BOUND, "a first leader");
            long old = c.leaderId();
            long oldTerm = c.node(old).raft().term();

            c.isolate(old);
            c.runUntil(() -> leaderOtherThan(c, old) != null, ELECTION_BOUND, "a new leader among the others");
            SimNode fresh = leaderOtherThan(c, old);
            assertThat(fresh.raft().term()).isGreaterThan(oldTerm);

            c.healLinks();
            c.runUntil(() -> c.node(old).raft().role() == Role.FOLLOWER
                    && c.node(old).raft().leader() == fresh.id, ELECTION_BOUND, "the old leader follows the new one");
            Proposal p = c.propose(fresh.id);
            assertThat(p).as("proposal at the new leader").isNotNull();
            c.runUntil(() -> c.allMembersApplied(p.index), ELECTION_BOUND, "the proposal applied everywhere");
            assertThat(p.outcome()).isEqualTo(Proposal.Outcome.ACKNOWLEDGED);
        });
    }

    @Test
    void noLeaderWithoutQuorum() {
        Cluster c = cluster(3, 5);
        c.play(() -> {
            c.runUntil(c::hasLeader, ELECTION_BOUND, "a first leader");
            long leader = c.leaderId();
            long[] others = c.otherIds(leader);
            // The leader and two followers die: two of five remain, which is no majority.
            c.crash(leader);
            c.crash(others[0]);
            c.crash(others[1]);
            long[] survivors = {others[2], others[3]};

            c.runWhileNever(() -> c.leadersAmong(survivors) > 0, 200, "a leader without a majority");
            ProposeResult refused = c.node(survivors[0]).propose(c.nextCommand());
            assertThat(refused.status()).isEqualTo(ProposeResult.Status.NOT_LEADER);

            c.restart(others[0]); // three of five: a majority again
            c.runUntil(c::hasLeader, ELECTION_BOUND, "a leader once a majority is back");
        });
    }

    @Test
    void figure8Unreliable() {
        // 6.824's Figure8Unreliable: a lossy, reordering network and leaders that keep crashing, so that entries
        // of old terms linger in some logs. A leader may only commit them through an entry of its own term (§5.4.2);
        // Leader Completeness and State Machine Safety are checked after every step.
        Cluster c = cluster(4, 5, SimSettings.defaults().withTiming(10, 1, 30, 1, 20));
        c.play(() -> {
            c.network().unreliable(0.1, 0.05, 0.25, 20 * c.settings().tickInterval());
            var random = new java.util.SplittableRandom(4);
            for (int round = 0; round < 150; round++) {
                SimNode leader = c.leader();
                if (leader != null) {
                    for (int i = random.nextInt(3); i >= 0; i--) {
                        c.propose(leader.id);
                    }
                }
                c.runFor(1 + random.nextInt(random.nextInt(10) < 9 ? 2 : 30));
                if (leader != null && leader.isRunning() && random.nextInt(2) == 0) {
                    c.crash(leader.id);
                }
                long up = c.nodes().stream().filter(SimNode::isRunning).count();
                if (up < 3) {
                    List<SimNode> down = c.nodes().stream().filter(n -> n.state() == SimNode.State.DOWN).toList();
                    c.restart(down.get(random.nextInt(down.size())).id);
                }
            }
            c.heal();
            Proposal last = c.awaitLiveness(SimulationRun.LIVENESS_TICKS);
            assertThat(last.committed()).isTrue();
            assertThat(c.invariants().clients.acks()).as("acknowledged writes").isGreaterThan(20);
        });
    }

    @Test
    void partitionedLeaderRejoins() {
        Cluster c = cluster(5, 3);
        c.play(() -> {
            c.runUntil(c::hasLeader, ELECTION_BOUND, "a first leader");
            long old = c.leaderId();
            Proposal before = c.propose(old);
            c.runUntil(() -> c.allMembersApplied(before.index), ELECTION_BOUND, "a first write applied everywhere");

            c.isolate(old);
            List<Proposal> stranded = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                stranded.add(c.propose(old)); // accepted by a leader that can no longer commit anything
            }
            assertThat(stranded).doesNotContainNull();
            c.runUntil(() -> leaderOtherThan(c, old) != null, ELECTION_BOUND, "a new leader in the majority");
            SimNode fresh = leaderOtherThan(c, old);
            Proposal after = c.propose(fresh.id);
            c.runUntil(after::committed, ELECTION_BOUND, "a write committed by the majority");

            c.healLinks();
            c.runUntil(() -> c.allMembersApplied(after.index), ELECTION_BOUND, "the old leader caught up");
            assertThat(c.node(old).raft().role()).isEqualTo(Role.FOLLOWER);
            Proposal more = c.propose(fresh.id);
            Proposal evenMore = c.propose(fresh.id);
            c.runUntil(() -> c.allMembersApplied(evenMore.index), ELECTION_BOUND, "later writes applied everywhere");
            assertThat(more.committed() && evenMore.committed()).isTrue();
            assertThat(stranded).allMatch(p -> p.outcome() == Proposal.Outcome.LOST,
                    "the entries only the cut-off leader had are overwritten");
        });
    }

    @Test
    void fastBackupOverALongDivergentLog() {
        // 6.824's TestBackup: logs diverge by 50 entries twice over, then the stale nodes rejoin under a leader
        // that must make them throw away their suffix. With the conflict hint (§5.3, "the leader can decrement
        // nextIndex to bypass all of the conflicting entries in that term") that takes about one rejected
        // AppendEntries per stale node, not one per entry.
        Cluster c = cluster(6, 5);
        c.play(() -> {
            c.runUntil(c::hasLeader, ELECTION_BOUND, "a first leader");
            long a = c.leaderId();
            long[] o = c.otherIds(a);
            long b = o[0];
            Proposal first = c.propose(a);
            c.runUntil(() -> c.allMembersApplied(first.index), ELECTION_BOUND, "a first write everywhere");

            // The leader and one follower are cut off and take 50 writes that can never commit.
            c.partition(a, b).from(o[1], o[2], o[3]);
            proposeMany(c, a, 50);
            c.runUntil(() -> leaderAmong(c, o[1], o[2], o[3]) != null, ELECTION_BOUND, "a leader in the majority");
            long l2 = leaderAmong(c, o[1], o[2], o[3]).id;
            Proposal committed = proposeMany(c, l2, 50);
            c.runUntil(committed::committed, ELECTION_BOUND, "the majority's 50 writes committed");

            // One of the majority is cut off; the new leader takes 50 more writes that cannot commit either.
            long x = o[1] == l2 ? o[2] : o[1];
            long y = o[1] + o[2] + o[3] - l2 - x;
            c.isolate(x);
            proposeMany(c, l2, 50);

            // Now the stale pair and x form a majority: x has the longest committed history and must lead them.
            long l2Term = c.node(l2).raft().term();
            Map<Long, AtomicLong> rejections = countRejectedAppends(c, l2Term + 1);
            c.healLinks();
            c.partition(l2, y).from(a, b, x);
            c.runUntil(() -> leaderAmong(c, a, b, x) != null && leaderAmong(c, a, b, x).raft().term() > l2Term,
                    ELECTION_BOUND, "a leader of a new term among the stale pair and x");
            long l3 = leaderAmong(c, a, b, x).id;
            assertThat(l3).as("only x holds every committed entry").isEqualTo(x);
            Proposal third = proposeMany(c, l3, 50);
            c.runUntil(third::committed, ELECTION_BOUND, "50 writes committed by the new majority");
            assertRejectionsPerNode(rejections, 1, a, b);

            // Everyone together again: the old majority's leader and follower back over their 50 stale entries.
            c.healLinks();
            c.runUntil(() -> c.allMembersApplied(third.index), ELECTION_BOUND, "every log converged");
            // (Zero is possible here: the new leader's first probe may already sit at the point of divergence.)
            assertRejectionsPerNode(rejections, 0, l2, y);
        });
    }

    private static Proposal proposeMany(Cluster c, long at, int n) {
        Proposal last = null;
        for (int i = 0; i < n; i++) {
            last = c.propose(at);
            assertThat(last).as("proposal at n%d", at).isNotNull();
        }
        return last;
    }

    /** Counts, per sender, AppendEntries rejections sent in {@code fromTerm} or later. */
    private static Map<Long, AtomicLong> countRejectedAppends(Cluster c, long fromTerm) {
        Map<Long, AtomicLong> rejections = new HashMap<>();
        c.network().observe(m -> {
            if (m instanceof AppendResponse r && !r.success() && r.term() >= fromTerm) {
                rejections.computeIfAbsent(r.from(), k -> new AtomicLong()).incrementAndGet();
            }
        });
        return rejections;
    }

    private static void assertRejectionsPerNode(Map<Long, AtomicLong> rejections, long atLeast, long... nodes) {
        for (long n : nodes) {
            long count = rejections.getOrDefault(n, new AtomicLong()).get();
            assertThat(count).as("AppendEntries rejections by n%d to back over 50 divergent entries", n)
                    .isBetween(atLeast, 5L);
        }
    }

    @Test
    void snapshotInstallUnderLoss() {
        // Snapshots every 10 entries, no log kept behind them, 3 KB snapshots in 256-byte chunks: a follower that
        // was down must be brought back by InstallSnapshot over a network that loses and reorders chunks.
        RaftConfig raft = RaftConfig.defaults(1, 0).withMessageLimits(256, 16, 1 << 20, 1 << 20);
        SimSettings s = SimSettings.defaults().withRaft(raft).withSnapshots(10, 3000, 0);
        Cluster c = cluster(7, 3, s);
        c.play(() -> {
            c.runUntil(c::hasLeader, ELECTION_BOUND, "a first leader");
            long leader = c.leaderId();
            long lagging = c.otherIds(leader)[0];
            c.crash(lagging);
            Proposal last = null;
            for (int i = 0; i < 100; i++) {
                last = c.propose(leader);
                c.runFor(0);
            }
            Proposal committed = last;
            c.runUntil(committed::committed, ELECTION_BOUND, "100 writes committed without the crashed follower");

            AtomicLong chunks = new AtomicLong();
            c.network().observe(m -> {
                if (m instanceof InstallSnapshot) {
                    chunks.incrementAndGet();
                }
            });
            c.network().unreliable(0.2, 0.05, 0.2, 5 * c.settings().tickInterval());
            c.restart(lagging);
            c.runUntil(() -> c.node(lagging).snapshotsInstalled() > 0
                    && c.node(lagging).appliedIndex() >= committed.index, 300, "the follower restored from a snapshot");
            assertThat(chunks.get()).as("InstallSnapshot chunks sent").isGreaterThanOrEqualTo(12);

            c.heal();
            c.awaitLiveness(SimulationRun.LIVENESS_TICKS);
        });
    }

    @Test
    void membershipChangesUnderPartitions() {
        Cluster c = cluster(8, 3);
        c.play(() -> {
            c.runUntil(c::hasLeader, ELECTION_BOUND, "a first leader");
            Proposal warmUp = c.proposeAtLeader();
            c.runUntil(warmUp::committed, ELECTION_BOUND, "a first write");

            // Grow: a new node joins as a learner, catches up, and is promoted (thesis §4.2.1).
            long four = c.addLearner();
            assertThat(four).isEqualTo(4);
            c.runUntil(() -> c.node(four).appliedIndex() >= c.leader().raft().commitIndex() && leaderCommittedAll(c),
                    ELECTION_BOUND,
                    "the learner caught up and its addition committed");
            assertThat(c.changeMembership(MembershipChange.promote(four)).accepted()).isTrue();
            c.runUntil(() -> everyRunningNodeSees(c, m -> m.isVoter(four)) && leaderCommittedAll(c), ELECTION_BOUND,
                    "n4's promotion committed");

            // Shrink while a member is cut off: the majority of {1,2,3,4} removes it.
            long leader = c.leaderId();
            long cutOff = c.otherIds(leader)[0];
            c.isolate(cutOff);
            assertThat(c.changeMembership(MembershipChange.remove(cutOff)).accepted()).isTrue();
            c.runUntil(() -> c.node(cutOff).state() == SimNode.State.DECOMMISSIONED, ELECTION_BOUND,
                    "the removed member is shut down once its removal applies");
            c.healLinks();

            // The leader is cut off: the remaining voters of the new configuration elect one of them.
            c.isolate(leader);
            c.runUntil(() -> leaderOtherThan(c, leader) != null, ELECTION_BOUND, "a leader of the new configuration");
            c.healLinks();
            c.runUntil(() -> c.node(leader).raft().role() == Role.FOLLOWER, ELECTION_BOUND, "the old leader follows");

            // Grow again with a fresh ID; the removed ID is never reused.
            Proposal again = c.proposeAtLeader();
            c.runUntil(again::committed, ELECTION_BOUND, "a write in the new configuration");
            long five = c.addLearner();
            assertThat(five).isEqualTo(5);
            assertThat(c.changeMembership(MembershipChange.addLearner(cutOff)).status())
                    .as("re-adding a removed ID").isEqualTo(ProposeResult.Status.REJECTED);
            c.heal();
            c.awaitLiveness(SimulationRun.LIVENESS_TICKS);
            Membership m = c.leader().raft().membership();
            assertThat(m.retired()).contains(cutOff);
            assertThat(m.isVoter(four)).isTrue();
            assertThat(m.isLearner(five)).isTrue();
        });
    }

    @Test
    void leadershipTransferUnderLoad() {
        Cluster c = cluster(9, 3);
        c.play(() -> {
            c.runUntil(c::hasLeader, ELECTION_BOUND, "a first leader");
            Workload clients = new Workload(c, false, false);
            clients.start();
            c.runFor(20);
            long from = c.leaderId();
            long term = c.node(from).raft().term();
            long to = c.otherIds(from)[0];

            c.runUntil(() -> c.transferLeadership(to) == TransferResult.STARTED, ELECTION_BOUND,
                    "the target caught up enough to start the transfer");
            c.runUntil(() -> c.leader() != null && c.leader().id == to, ELECTION_BOUND, "n" + to + " leads");
            assertThat(c.node(to).raft().term()).as("one election, started at once by TimeoutNow").isEqualTo(term + 1);
            long acksAtTransfer = c.invariants().clients.acks();
            c.runFor(30);
            clients.stop();
            assertThat(c.invariants().clients.acks()).as("writes keep being acknowledged after the transfer")
                    .isGreaterThan(acksAtTransfer);
            c.heal();
            c.awaitLiveness(SimulationRun.LIVENESS_TICKS);
        });
    }

    /** One membership change at a time: the leader accepts the next only when the previous one committed. */
    private static boolean leaderCommittedAll(Cluster c) {
        SimNode l = c.leader();
        return l != null && l.raft().commitIndex() == l.raft().lastIndex();
    }

    private static boolean everyRunningNodeSees(Cluster c, java.util.function.Predicate<Membership> p) {
        return c.nodes().stream().filter(SimNode::isRunning).allMatch(n -> p.test(n.raft().membership()));
    }

    private static SimNode leaderOtherThan(Cluster c, long id) {
        SimNode l = c.leader();
        return l != null && l.id != id ? l : null;
    }

    private static SimNode leaderAmong(Cluster c, long... ids) {
        Set<Long> among = new java.util.HashSet<>();
        for (long id : ids) {
            among.add(id);
        }
        for (SimNode n : c.nodes()) {
            if (among.contains(n.id) && n.isRunning() && n.raft().role() == Role.LEADER) {
                return n;
            }
        }
        return null;
    }
}
