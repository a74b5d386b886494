package io.raftkv.sim;

import io.raftkv.raft.MembershipChange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Minimal, deterministic reproductions of bugs the simulator found in the Raft core (see README.md, "Findings").
 * Each test states the behaviour Raft requires, so it fails while the bug is present and passes once it is fixed.
 * The seed sweep finds the same bugs in random runs; these stories make them easy to read and to debug.
 */
class KnownCoreBugsTest {

    private static final int BOUND = 100;

    /**
     * A Ready must not change after {@code ready()} returned it. The core hands out its internal (empty) lists
     * for messages, messagesAfterPersist, snapshotChunks and readStates and keeps appending to them, so work meant
     * for the next Ready also shows up in an earlier one that may still be waiting for its disk write: a vote or
     * an acknowledgement can leave before the state it vouches for is durable, chunks are written twice, reads are
     * answered twice. Every sweep seed trips over it within a few hundred steps.
     */
    @Test
    void aReadyNeverChangesAfterItWasHandedOut() {
        Cluster c = new Cluster(1, 3, SimSettings.defaults()).tolerateReadyMutation(false).start();
        c.play(() -> {
            c.runUntil(c::hasLeader, BOUND, "a leader");
            Workload clients = new Workload(c, false, false);
            clients.start();
            c.runFor(BOUND); // any Ready still waiting for its disk write when the next input arrives trips it
        });
    }

    /**
     * A leader must eventually resend entries whose AppendEntries were lost. In REPLICATE state the core advances
     * {@code next} optimistically; if that AppendEntries is lost, nothing brings {@code next} back: heartbeat
     * responses (which even carry the follower's last index) only trigger {@code sendAppend(..., allowEmpty=false)},
     * which sends nothing when {@code next > lastIndex}; a rejection that would reset {@code next} never comes
     * because nothing is sent. The entry stays uncommitted until some later proposal happens to follow it, so an
     * idle cluster leaves the client waiting forever. The sweep sees this in about one seed in ten as a failure to
     * settle after healing, e.g. {@code -Dsim.seed=-3678545533738759650 -Dsim.tolerateReadyMutation=true}.
     */
    @Test
    void aLeaderResendsEntriesWhoseAppendEntriesWereLost() {
        Cluster c = new Cluster(2, 3, SimSettings.defaults()).tolerateReadyMutation(true).start();
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
     * configuration"; servers must process RPCs without consulting their configuration. The core's
     * {@code isWellFormed} drops a VoteRequest whose sender is not a voter in the receiver's own configuration.
     * A voter that has not yet received the entry that made the candidate (or itself) a voter then never votes,
     * and the cluster can be left with no leader for good. Here: n3 is added and promoted while cut off (the
     * core does not refuse promoting a learner that never caught up), n2 is removed, and the leader restarts;
     * its configuration {leader, n3} needs n3's vote, which n3, knowing no configuration at all, refuses forever.
     */
    @Test
    void aVoterThatHasNotYetReceivedItsConfigurationStillVotes() {
        Cluster c = new Cluster(3, 2, SimSettings.defaults()).tolerateReadyMutation(true).start();
        c.play(() -> {
            c.runUntil(c::hasLeader, BOUND, "a leader");
            long leader = c.leaderId();
            long other = c.otherIds(leader)[0];
            Proposal warmUp = c.propose(leader);
            c.runUntil(warmUp::committed, BOUND, "a first write");

            long three = c.addLearner();
            c.isolate(three);
            c.runUntil(() -> allCommitted(c), BOUND, "n3 added as a learner");
            assertThat(c.changeMembership(MembershipChange.promote(three)).accepted()).isTrue();
            c.runUntil(() -> allCommitted(c), BOUND, "n3 promoted (committed by the two old voters)");
            assertThat(c.changeMembership(MembershipChange.remove(other)).accepted()).isTrue();
            c.runUntil(() -> c.node(leader).raft().status().persistedIndex() == c.node(leader).raft().lastIndex(),
                    BOUND, "the removal durable in the leader's log (it cannot commit without n3)");

            c.crash(leader);
            c.restart(leader);
            c.healLinks();
            c.runUntil(c::hasLeader, 2 * BOUND, "a leader once every node runs and every link works");
        });
    }

    private static boolean allCommitted(Cluster c) {
        SimNode l = c.leader();
        return l != null && l.raft().commitIndex() == l.raft().lastIndex();
    }
}
