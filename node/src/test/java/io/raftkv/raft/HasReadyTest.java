package io.raftkv.raft;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RaftNode#hasReady()} is a query: asking it any number of times changes nothing. (It used to make the
 * leader's batched sends and start ReadIndex rounds, so the answer depended on when, and how often, a driver
 * asked.)
 */
class HasReadyTest {

    @Test
    void askingHasReadyChangesNothingThatTheNextReadyCarries() {
        MiniCluster asked = new MiniCluster(1, 2, 3);
        MiniCluster notAsked = new MiniCluster(1, 2, 3);
        long leader = asked.electLeader();
        assertThat(notAsked.electLeader()).isEqualTo(leader);
        asked.tick(2);
        notAsked.tick(2);

        for (MiniCluster c : List.of(asked, notAsked)) {
            c.node(leader).propose("x".getBytes());
            c.node(leader).readIndex(7);
        }
        for (int i = 0; i < 5; i++) {
            assertThat(asked.node(leader).hasReady()).isTrue();
        }
        assertThat(describe(asked.node(leader).ready())).isEqualTo(describe(notAsked.node(leader).ready()))
                .anyMatch(line -> line.contains("AppendEntries") && line.contains("round=1"));
    }

    @Test
    void aFollowerWithNothingToDoHasNoReady() {
        MiniCluster c = new MiniCluster(1, 2, 3);
        long leader = c.electLeader();
        long follower = leader == 1 ? 2 : 1;
        assertThat(c.node(follower).hasReady()).isFalse();
        assertThat(c.node(leader).hasReady()).isFalse();
    }

    private static List<String> describe(Ready r) {
        List<String> lines = new java.util.ArrayList<>();
        r.messages().forEach(m -> lines.add(MessageFormat.format(m)));
        r.entries().forEach(e -> lines.add("entry " + MessageFormat.entry(e)));
        r.readStates().forEach(rs -> lines.add(rs.toString()));
        return lines;
    }
}
