package io.raftkv.sim;

import io.raftkv.raft.MembershipChange;
import io.raftkv.raft.ProposeResult;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Minimal, deterministic reproductions of bugs the simulator found in the first version of the Raft core (see
 * README.md, "Findings"), fixed since and kept as regression tests. Each test states the behaviour Raft requires;
 * each failed against that version.
 */
class CoreRegressionTest {

    private static final int BOUND = 100;

    /**
     * A Ready must not change after {@code ready()} returned it. The core handed out its internal (empty) lists
     * for messages, messagesAfterPersist, snapshotChunks and readStates and kept appending to them, so work meant
     * for the next Ready also shows up in an earlier one that may still be waiting for its disk write: a vote or
     * an acknowledgement can leave before the state it vouches for is durable, chunks are written twice, reads are
     * answered twice. Every sweep seed tripped over it within a few hundred steps (fixed in b0eeafa).
     */
    @Test
    void aReadyNeverChangesAfterItWasHandedOut() {
        Cluster c = new Cluster(1, 3, SimSettings.defaults()).start();
        c.play(() -> {
            c.runUntil(c::hasLeader, BOUND, "a leader");
            Workload clients = new Workload(c, false, false);
            clients.start();
            c.runFor(BOUND); // any Ready still waiting for its disk write when the next input arrives trips it
        });
    }

    /**
     * A leader must eventually resend entries whose AppendEntries were lost. In REPLICATE state the core advanced
     * {@code next} optimistically; when that AppendEntries was lost, nothing brought {@code next} back: heartbeat
     * responses only triggered {@code sendAppend(..., allowEmpty=false)}, which sends nothing when
     * {@code next > lastIndex}, so no rejection ever came to reset {@code next}. The entry stayed uncommitted
     * until some later proposal followed it: an idle cluster left the client waiting forever. The sweep saw this
     * in 13% of seeds as a failure to settle after healing (fixed in 597acb9).
     */
    @Test
    void aLeaderResendsEntriesWhoseAppendEntriesWereLost() {
        Cluster c = new Cluster(2, 3, SimSettings.defaults()).start();
        c.play(() -> {
            c.runUntil(c::hasLeader, BOUND, "a leader");
            long leader = c.leaderId();
            Proposal warmUp = c.propose(leader);
            c.runUntil(() -> c.allMembersApplied(warmUp.index), BOUND, "followers replicating steadily");

            c.cut(leader).to(c.otherIds(leader)); // the next AppendEntries to both followers is lost
            Proposal p = c.propose(leader);
            c.healLinks();

            c.runUntil(p::committed, BOUND, "the write whose AppendEntries were lost commits (heartbeats continue)");
        });
    }

    /**
     * Thesis §4.1: "a server grants its vote to a candidate that is not part of the server's latest
     * configuration"; servers process RPCs without consulting their configuration. The core used to drop a
     * VoteRequest whose sender was not a voter in the receiver's own configuration, so a voter that had not yet
     * received the entry adding the candidate never voted for it. Here n3 is cut off while n4 joins, is
     * promoted, and the others leave: the configuration becomes {n3, n4}, and n4 can only lead with the vote of
     * n3, which has never heard of n4.
     */
    @Test
    void aVoterVotesForACandidateItsOwnConfigurationDoesNotKnow() {
        Cluster c = new Cluster(3, 3, SimSettings.defaults()).start();
        c.play(() -> {
            c.runUntil(c::hasLeader, BOUND, "a leader");
            long leader = c.leaderId();
            long[] others = c.otherIds(leader);
            long stale = others[0];
            long leaving = others[1];
            Proposal warmUp = c.propose(leader);
            c.runUntil(() -> c.allMembersApplied(warmUp.index), BOUND, "a first write everywhere");

            c.isolate(stale); // n-stale keeps the initial configuration from now on
            long four = c.addLearner();
            c.runUntil(() -> allCommitted(c) && c.node(four).appliedIndex() >= c.leader().raft().commitIndex(),
                    BOUND, "n4 added and caught up");
            assertThat(c.changeMembership(MembershipChange.promote(four)).accepted()).isTrue();
            c.runUntil(() -> allCommitted(c), BOUND, "n4 promoted");
            assertThat(c.changeMembership(MembershipChange.remove(leaving)).accepted()).isTrue();
            c.runUntil(() -> allCommitted(c), BOUND, "one old voter removed");
            ProposeResult last = c.changeMembership(MembershipChange.remove(leader));
            assertThat(last.accepted()).isTrue(); // {stale, n4}: cannot commit while the stale voter is cut off
            c.runUntil(() -> c.node(four).raft().status().persistedIndex() >= last.index(), BOUND,
                    "n4 holds the configuration {stale, n4} durably");

            c.crash(leader);
            c.healLinks();
            c.runUntil(() -> c.leader() != null && c.leader().id == four, 2 * BOUND,
                    "n4 elected with the vote of a voter that has never heard of it");
        });
    }

    private static boolean allCommitted(Cluster c) {
        SimNode l = c.leader();
        return l != null && l.raft().commitIndex() == l.raft().lastIndex();
    }

    /**
     * A leader that removed itself and crashed before the new configuration left its disk must not leave the
     * cluster without a leader forever. In a 2-voter cluster {L, F}, L appends C_new = {F} (effective at once,
     * thesis §4.1) and crashes before F receives it. After the restart L's latest configuration is {F}, so L never
     * campaigns (it is no voter there); F, still on {L, F}, needs L's vote, which L refuses because its log is more
     * up to date. Nobody can ever lead. etcd avoids this because a configuration takes effect when applied; within
     * the thesis' rules, L could campaign for the configuration it holds, as a leader that manages a cluster that
     * does not include itself (thesis §4.2.2), commit C_new, then step down.
     *
     * <p>Sweep seeds (2,000-seed default sweep) that end this way: 3304236983009933198, 2941163489505004394,
     * -2975672501995112997, -8743480598314913757 (all start with 1 or 2 voters; the last one ends with three
     * different configurations, the most up-to-date node being the removed leader).
     */
    @Test
    void aLeaderThatRemovedItselfAndRestartedDoesNotLeaveTheClusterLeaderless() {
        Cluster c = new Cluster(4, 2, SimSettings.defaults()).start();
        c.play(() -> {
            c.runUntil(c::hasLeader, BOUND, "a leader");
            long leader = c.leaderId();
            long follower = c.otherIds(leader)[0];
            Proposal warmUp = c.propose(leader);
            c.runUntil(() -> c.allMembersApplied(warmUp.index), BOUND, "a first write everywhere");

            c.cut(leader).to(follower); // the removal entry will not reach the follower
            ProposeResult removal = c.changeMembership(MembershipChange.remove(leader));
            assertThat(removal.accepted()).isTrue();
            c.runUntil(() -> c.node(leader).raft().status().persistedIndex() >= removal.index(), BOUND,
                    "the removal durable on the leader only");
            c.crash(leader);
            c.restart(leader);
            c.healLinks();

            c.runUntil(c::hasLeader, 2 * BOUND, "a leader again, with every node up and every link working");
            c.awaitLiveness(SimulationRun.LIVENESS_TICKS);
        });
    }
}
