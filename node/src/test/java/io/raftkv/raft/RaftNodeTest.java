package io.raftkv.raft;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class RaftNodeTest {

    @Test
    void singleNodeElectsItselfAndCommits() {
        MiniCluster c = new MiniCluster(1);
        long leader = c.electLeader();
        assertThat(leader).isEqualTo(1);
        assertThat(c.node(1).propose("a".getBytes()).accepted()).isTrue();
        c.stabilize();
        assertThat(c.appliedCommands(1)).containsExactly("a");
    }

    @Test
    void threeNodesElectOneLeaderAndReplicate() {
        MiniCluster c = new MiniCluster(1, 2, 3);
        long leader = c.electLeader();
        for (int i = 0; i < 50; i++) {
            assertThat(c.node(leader).propose(("v" + i).getBytes()).accepted()).isTrue();
        }
        c.stabilize();
        c.tick(2); // followers learn the final commit index
        for (long id : List.of(1L, 2L, 3L)) {
            assertThat(c.appliedCommands(id)).hasSize(50).startsWith("v0").endsWith("v49");
        }
    }

    @Test
    void followerRefusesProposalsAndNamesTheLeader() {
        MiniCluster c = new MiniCluster(1, 2, 3);
        long leader = c.electLeader();
        long follower = leader == 1 ? 2 : 1;
        ProposeResult r = c.node(follower).propose("x".getBytes());
        assertThat(r.status()).isEqualTo(ProposeResult.Status.NOT_LEADER);
        assertThat(r.leaderHint()).isEqualTo(leader);
    }

    @Test
    void reElectsAfterLeaderIsolatedAndOldLeaderStepsDown() {
        MiniCluster c = new MiniCluster(1, 2, 3);
        long first = c.electLeader();
        c.isolated.add(first);
        c.tickUntil(() -> c.leader() != RaftNode.NONE && c.leader() != first, 200);
        long second = c.leader();
        assertThat(second).isNotEqualTo(first);
        // CheckQuorum: the isolated leader steps down on its own.
        c.tickUntil(() -> c.node(first).role() != Role.LEADER, 50);
        c.isolated.clear();
        assertThat(c.node(second).propose("after".getBytes()).accepted()).isTrue();
        c.tick(3);
        assertThat(c.appliedCommands(first)).contains("after");
    }

    @Test
    void noLeaderWithoutQuorum() {
        MiniCluster c = new MiniCluster(1, 2, 3);
        c.isolated.addAll(Set.of(1L, 2L));
        c.tick(100);
        assertThat(c.leader()).isEqualTo(RaftNode.NONE);
        // PreVote: nobody raised its term while unable to win.
        for (long id : List.of(1L, 2L, 3L)) {
            assertThat(c.node(id).term()).isZero();
        }
    }

    @Test
    void readIndexOnLeaderAndFollower() {
        MiniCluster c = new MiniCluster(1, 2, 3);
        long leader = c.electLeader();
        c.node(leader).propose("w".getBytes());
        c.stabilize();
        c.node(leader).readIndex(7);
        c.stabilize();
        ReadState rs = c.reads.get(leader).get(7L);
        assertThat(rs.status()).isEqualTo(ReadState.Status.OK);
        assertThat(rs.index()).isGreaterThanOrEqualTo(c.node(leader).commitIndex());
        long follower = leader == 1 ? 2 : 1;
        c.node(follower).readIndex(8);
        c.stabilize();
        assertThat(c.reads.get(follower).get(8L).status()).isEqualTo(ReadState.Status.OK);
        assertThat(c.reads.get(follower).get(8L).index()).isEqualTo(c.node(leader).commitIndex());
    }

    @Test
    void readOnIsolatedLeaderIsNeverConfirmed() {
        MiniCluster c = new MiniCluster(1, 2, 3);
        long leader = c.electLeader();
        c.isolated.add(leader);
        c.node(leader).readIndex(9);
        c.tickUntil(() -> c.node(leader).role() != Role.LEADER, 50);
        assertThat(c.reads.get(leader).get(9L).status()).isEqualTo(ReadState.Status.NOT_LEADER);
    }

    @Test
    void addLearnerPromoteAndRemoveLeader() {
        MiniCluster c = new MiniCluster(1, 2, 3);
        long leader = c.electLeader();
        for (int i = 0; i < 20; i++) {
            c.node(leader).propose(("v" + i).getBytes());
        }
        c.stabilize();
        c.add(4, RecoveredState.joining());
        assertThat(c.node(leader).proposeMembership(MembershipChange.addLearner(4)).accepted()).isTrue();
        c.tick(3);
        assertThat(c.appliedCommands(4)).hasSize(20);
        assertThat(c.node(4).membership().isLearner(4)).isTrue();
        assertThat(c.node(leader).proposeMembership(MembershipChange.promote(4)).accepted()).isTrue();
        c.tick(3);
        assertThat(c.node(4).membership().voters()).containsExactlyInAnyOrder(1L, 2L, 3L, 4L);
        // Remove the leader itself: it steps down once the change commits and hands over at once.
        assertThat(c.node(leader).proposeMembership(MembershipChange.remove(leader)).accepted()).isTrue();
        // The removed leader hands over with TimeoutNow: no election timeout (>= 10 ticks) is waited for.
        c.tickUntil(() -> c.leader() != RaftNode.NONE && c.leader() != leader, 3);
        assertThat(c.node(leader).role()).isNotEqualTo(Role.LEADER);
        long newLeader = c.leader();
        assertThat(c.node(newLeader).membership().isMember(leader)).isFalse();
        // IDs are never reused.
        c.tick(2);
        assertThat(c.node(newLeader).proposeMembership(MembershipChange.addLearner(leader)).status())
                .isEqualTo(ProposeResult.Status.REJECTED);
    }

    @Test
    void leadershipTransferToCaughtUpFollower() {
        MiniCluster c = new MiniCluster(1, 2, 3);
        long leader = c.electLeader();
        c.node(leader).propose("x".getBytes());
        c.stabilize();
        long target = leader == 3 ? 2 : 3;
        assertThat(c.node(leader).transferLeadership(target)).isEqualTo(TransferResult.STARTED);
        c.stabilize();
        c.tickUntil(() -> c.leader() == target, 20);
        assertThat(c.node(leader).role()).isEqualTo(Role.FOLLOWER);
    }

    @Test
    void laggingFollowerCatchesUpThroughSnapshot() {
        MiniCluster c = new MiniCluster(1, 2, 3);
        long leader = c.electLeader();
        long lagging = leader == 3 ? 2 : 3;
        c.isolated.add(lagging);
        for (int i = 0; i < 100; i++) {
            c.node(leader).propose(("v" + i).getBytes());
            c.stabilize();
        }
        RaftNode l = c.node(leader);
        long at = l.commitIndex();
        byte[] state = new byte[10_000];
        for (int i = 0; i < state.length; i++) {
            state[i] = (byte) i;
        }
        c.snapshotBytes.put(leader, state);
        SnapshotMeta meta = l.snapshotMetaFor(at);
        l.compact(new SnapshotMeta(meta.index(), meta.term(), meta.membership(), state.length), 0);
        assertThat(l.firstIndex()).isEqualTo(at + 1);
        c.isolated.clear();
        l.propose("after".getBytes());
        c.tick(10);
        assertThat(java.util.Arrays.equals(c.snapshotBytes.get(lagging), state)).as("snapshot bytes arrived intact").isTrue();
        assertThat(c.node(lagging).commitIndex()).isEqualTo(l.commitIndex());
        assertThat(c.appliedCommands(lagging)).containsExactly("after");
    }

    @Test
    void malformedMessagesAreDroppedWithoutEffect() {
        MiniCluster c = new MiniCluster(1, 2, 3);
        long leader = c.electLeader();
        long follower = leader == 1 ? 2 : 1;
        RaftNode f = c.node(follower);
        long term = f.term();
        long last = f.lastIndex();
        // entries that do not follow prevIndex, a term beyond the message's, and an unknown sender
        f.step(new io.raftkv.raft.message.AppendEntries(leader, follower, term, 0, 0,
                List.of(Entry.normal(5, term, new byte[1])), 0, 0));
        f.step(new io.raftkv.raft.message.AppendEntries(leader, follower, term, last, f.termAt(last),
                List.of(Entry.normal(last + 1, term + 5, new byte[1])), 0, 0));
        Membership bad = new Membership(Set.of(), Set.of(7L), Set.of());
        f.step(new io.raftkv.raft.message.AppendEntries(leader, follower, term, last, f.termAt(last),
                List.of(new Entry(last + 1, term, EntryType.MEMBERSHIP, bad.encode())), 0, 0));
        f.step(new io.raftkv.raft.message.AppendEntries(leader, follower, term, last, f.termAt(last),
                List.of(new Entry(last + 1, term, EntryType.MEMBERSHIP, new byte[]{1, 2, 3})), 0, 0));
        assertThat(f.droppedMessages()).isEqualTo(4);
        assertThat(f.term()).isEqualTo(term);
        assertThat(f.lastIndex()).isEqualTo(last);
    }

    @Test
    void candidateBecomesLeaderOnlyOnceItsTermAndVoteAreDurable() {
        MiniCluster c = new MiniCluster(1, 2, 3);
        RaftNode n1 = c.node(1);
        // Drive node 1 alone through PreVote into candidacy, delivering by hand.
        while (n1.role() != Role.PRE_CANDIDATE) {
            n1.tick();
        }
        Ready pre = n1.ready();
        n1.persisted(pre);
        for (var m : pre.messages()) {
            c.node(m.to()).step(m);
        }
        for (long id : List.of(2L, 3L)) { // 2 and 3 grant the pre-vote; node 1 becomes candidate for term 1
            Ready r = c.node(id).ready();
            c.node(id).persisted(r);
            r.messages().forEach(n1::step);
        }
        assertThat(n1.role()).isEqualTo(Role.CANDIDATE);
        Ready campaign = n1.ready(); // holds hard state (term 1, vote 1): deliberately NOT persisted yet
        assertThat(campaign.hardState().vote()).isEqualTo(1);
        for (var m : campaign.messages()) {
            c.node(m.to()).step(m);
        }
        for (long id : List.of(2L, 3L)) {
            Ready r = c.node(id).ready();
            c.node(id).persisted(r);
            for (var m : r.messagesAfterPersist()) {
                n1.step(m); // both grant
            }
        }
        assertThat(n1.role()).as("must not lead before its own vote is durable").isEqualTo(Role.CANDIDATE);
        n1.persisted(campaign);
        assertThat(n1.role()).isEqualTo(Role.LEADER);
    }

    @Test
    void lostTrailingAppendsAreRecoveredInAnIdleCluster() {
        MiniCluster c = new MiniCluster(1, 2, 3);
        long leader = c.electLeader();
        c.tick(3); // both followers in REPLICATE
        c.drop = m -> m instanceof io.raftkv.raft.message.AppendEntries a && !a.entries().isEmpty();
        assertThat(c.node(leader).propose("lost".getBytes()).accepted()).isTrue();
        c.stabilize();
        long uncommitted = c.node(leader).lastIndex();
        assertThat(c.node(leader).commitIndex()).isLessThan(uncommitted);
        c.drop = m -> false;
        c.tickUntil(() -> c.node(leader).commitIndex() == uncommitted, 10);
    }

    @Test
    void votesForACandidateOutsideItsStaleConfigurationButNotForRemovedNodes() {
        MiniCluster c = new MiniCluster(1, 2, 3);
        RaftNode n1 = c.node(1);
        n1.step(new io.raftkv.raft.message.VoteRequest(9, 1, 5, 100, 4, false, false));
        Ready r = n1.ready();
        assertThat(r.messagesAfterPersist()).singleElement()
                .isInstanceOfSatisfying(io.raftkv.raft.message.VoteResponse.class, v -> assertThat(v.granted()).isTrue());
        assertThat(n1.droppedMessages()).isZero();
    }

    @Test
    void stepDownHandsLeadershipToTheMostUpToDateVoter() {
        MiniCluster c = new MiniCluster(1, 2, 3);
        long leader = c.electLeader();
        c.node(leader).propose("x".getBytes());
        c.stabilize();
        assertThat(c.node(leader).stepDown()).isTrue();
        c.stabilize();
        assertThat(c.leader()).isNotEqualTo(RaftNode.NONE).isNotEqualTo(leader);
        assertThat(c.node(leader).stepDown()).isFalse();
        assertThat(c.node(c.leader()).status().membershipCommitted()).isTrue();
    }

    @Test
    void noFollowerGoesLongerThanOneHeartbeatIntervalWithoutHearingFromItsLeader() {
        MiniCluster c = new MiniCluster(cfg -> cfg.withTicks(20, 4).withQuorumFanout(true), 1, 2, 3, 4, 5);
        long leader = c.electLeader();
        c.stabilize();
        java.util.Map<Long, Integer> lastHeard = new java.util.HashMap<>();
        java.util.Map<Long, Integer> longestGap = new java.util.HashMap<>();
        int[] tick = {0};
        c.drop = m -> {
            if (m.from() == leader) {
                longestGap.merge(m.to(), tick[0] - lastHeard.getOrDefault(m.to(), 0), Math::max);
                lastHeard.put(m.to(), tick[0]);
            }
            return false;
        };
        for (tick[0] = 1; tick[0] <= 60; tick[0]++) {
            if (tick[0] % 7 == 3) {
                // Entries go to a bare majority at odd moments, so contact falls between heartbeat rounds.
                assertThat(c.node(leader).propose(("v" + tick[0]).getBytes()).accepted()).isTrue();
                c.stabilize();
            }
            c.tick(1);
        }
        assertThat(longestGap).hasSize(4);
        assertThat(longestGap.values()).as("ticks between messages from the leader, per follower")
                .allSatisfy(gap -> assertThat(gap).isLessThanOrEqualTo(4));
    }
}
