package io.raftkv.raft;

import io.raftkv.raft.message.AppendEntries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QuorumFanoutTest {

    @ParameterizedTest(name = "spare {0}: {1} followers get the entry at once")
    @CsvSource({"0, 2", "1, 3", "2, 4", "7, 4"})
    void newEntriesGoToABareMajorityPlusTheSpareVoters(int spare, int expectedRecipients) {
        MiniCluster c = new MiniCluster(cfg -> cfg.withQuorumFanout(true), 1, 2, 3, 4, 5);
        long leader = c.electLeader();
        c.tick(3); // every follower has caught up and acknowledged
        c.node(leader).setSpareFanout(spare);
        Set<Long> gotEntries = recordEntryRecipients(c);
        assertThat(c.node(leader).propose("x".getBytes()).accepted()).isTrue();
        c.stabilize();
        assertThat(gotEntries).hasSize(expectedRecipients);
        for (long id : List.of(1L, 2L, 3L, 4L, 5L)) {
            if (gotEntries.contains(id) || id == leader) {
                assertThat(c.node(id).lastIndex()).isEqualTo(c.node(leader).lastIndex());
            }
        }
        assertThat(c.node(leader).commitIndex()).isEqualTo(c.node(leader).lastIndex());
    }

    @Test
    void aNewLeaderTellsEveryFollowerAtOnceThenFansOutToAQuorum() {
        MiniCluster c = new MiniCluster(cfg -> cfg.withQuorumFanout(true), 1, 2, 3, 4, 5);
        Set<Long> gotNoop = recordEntryRecipients(c);
        long leader = c.electLeader();
        c.stabilize();
        assertThat(gotNoop).as("followers sent the new leader's no-op before any tick").hasSize(4)
                .doesNotContain(leader);
        Set<Long> gotEntry = recordEntryRecipients(c);
        assertThat(c.node(leader).propose("x".getBytes()).accepted()).isTrue();
        c.stabilize();
        assertThat(gotEntry).as("a later entry goes to a bare majority").hasSize(2);
    }

    @Test
    void aFollowerCaughtUpInOneHeartbeatRoundIsContactedAgainInTheNext() {
        MiniCluster c = new MiniCluster(cfg -> cfg.withQuorumFanout(true), 1, 2, 3, 4, 5);
        long leader = c.electLeader();
        c.tick(3);
        assertThat(c.node(leader).propose("x".getBytes()).accepted()).isTrue();
        c.stabilize(); // two followers hold the entry; the other two catch up in the next round
        c.tick(1);
        Set<Long> contacted = new TreeSet<>();
        c.drop = m -> {
            if (m.from() == leader) {
                contacted.add(m.to());
            }
            return false;
        };
        c.tick(1); // nothing new to send: every follower must still hear from the leader this round
        assertThat(contacted).as("a follower's election timer only resets when something arrives").hasSize(4);
    }

    /** From now on, the followers that are sent AppendEntries carrying entries (nothing is dropped). */
    private static Set<Long> recordEntryRecipients(MiniCluster c) {
        Set<Long> recipients = new TreeSet<>();
        c.drop = m -> {
            if (m instanceof AppendEntries a && !a.entries().isEmpty()) {
                recipients.add(a.to());
            }
            return false;
        };
        return recipients;
    }

    @Test
    void aNegativeSpareIsRefused() {
        MiniCluster c = new MiniCluster(1);
        assertThatThrownBy(() -> c.node(1).setSpareFanout(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("spare fanout");
    }
}
