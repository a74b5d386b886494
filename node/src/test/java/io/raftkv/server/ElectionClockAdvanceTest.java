package io.raftkv.server;

import io.raftkv.raft.Membership;
import io.raftkv.raft.RaftNode;
import io.raftkv.raft.Role;
import io.raftkv.runtime.RaftRuntime;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The first election is advanced once, and only when a quorum of voters is reachable and no leader is known. */
class ElectionClockAdvanceTest {
    private static final int ELECTION_TICKS = 10;

    private final Set<Long> reachable = new HashSet<>();
    private final List<Integer> advanced = new ArrayList<>();
    private long leader = RaftNode.NONE;
    private Membership membership = Membership.ofVoters(Set.of(1L, 2L, 3L, 4L, 5L));

    private ElectionClockAdvance advance(int maxAttempts) {
        return new ElectionClockAdvance(1, () -> new RaftRuntime.View(1, Role.FOLLOWER, 0, leader, 0),
                () -> membership, reachable::contains, advanced::add, ELECTION_TICKS, maxAttempts);
    }

    @Test
    void waitsForAQuorumOfReachableVotersThenAdvancesOnceByAllButTwoTicks() {
        ElectionClockAdvance a = advance(100);
        assertThat(a.attempt()).isFalse();
        reachable.add(2L);
        assertThat(a.attempt()).as("self + 1 of 5 voters is no quorum").isFalse();
        reachable.add(4L);
        assertThat(a.attempt()).isTrue();
        assertThat(advanced).containsExactly(ELECTION_TICKS - 2);
    }

    @Test
    void aKnownLeaderMakesItUnnecessary() {
        reachable.addAll(Set.of(2L, 3L, 4L, 5L));
        leader = 3;
        assertThat(advance(100).attempt()).isTrue();
        assertThat(advanced).isEmpty();
    }

    @Test
    void givesUpAfterItsAttemptsWithoutAdvancing() {
        ElectionClockAdvance a = advance(3);
        assertThat(a.attempt()).isFalse();
        assertThat(a.attempt()).isFalse();
        assertThat(a.attempt()).isFalse();
        reachable.addAll(Set.of(2L, 3L));
        assertThat(a.attempt()).isTrue();
        assertThat(advanced).isEmpty();
    }

    @Test
    void aSingleVoterAdvancesAtOnceAndANonVoterNever() {
        membership = Membership.ofVoters(Set.of(1L));
        assertThat(advance(100).attempt()).isTrue();
        assertThat(advanced).containsExactly(ELECTION_TICKS - 1);

        advanced.clear();
        membership = Membership.ofVoters(Set.of(2L, 3L, 4L));
        reachable.addAll(Set.of(2L, 3L, 4L));
        assertThat(advance(100).attempt()).as("a joining node waits to be added").isTrue();
        assertThat(advanced).isEmpty();
    }
}
