package io.raftkv.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.raftkv.server.InProcessCluster;
import io.raftkv.server.RaftKvNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the CLI says when members are down: `status` reports the cluster's state and every member's, with exit
 * status 7 (degraded) or 3 (down), and writes without a quorum fail with how many members answered, well before
 * their deadline, in one line.
 */
class CliFailuresTest {

    static CliRun raftkv(String... args) {
        return CliRun.of(args);
    }

    @Test
    void statusSaysDegradedThenDownAndWritesWithoutQuorumSayHowManyMembersAnswered() throws Exception {
        try (InProcessCluster cluster = new InProcessCluster(3)) {
            RaftKvNode leader = cluster.awaitLeader();
            String endpoints = String.join(",", cluster.endpoints());
            List<RaftKvNode> followers = cluster.followers();
            long first = followers.get(0).id();
            cluster.crash(first);

            CliRun degraded = raftkv("status", "-e", endpoints);
            assertThat(degraded.code()).as(degraded.out()).isEqualTo(ExitCodes.DEGRADED);
            assertThat(degraded.out()).contains("cluster: degraded: leader " + leader.id())
                    .contains("2 of 3 members answered")
                    .containsPattern("(?m)^" + first + " +" + cluster.address(first).replace(".", "\\.")
                            + " +down: connection refused$");
            JsonNode json = new ObjectMapper().readTree(raftkv("status", "-e", endpoints, "-o", "json").out());
            assertThat(json.get("state").asText()).isEqualTo("degraded");
            assertThat(json.get("voters_answering").asInt()).isEqualTo(2);
            assertThat(json.get("nodes")).hasSize(3);
            // A write still succeeds with one member down.
            assertThat(raftkv("put", "k", "v", "-e", endpoints).code()).isZero();

            long second = followers.get(1).id();
            cluster.crash(second);
            // The leader, alone now, is restarted (as a follower): one member of three answers.
            cluster.crash(leader.id());
            cluster.start(leader.id());
            CliRun down = raftkv("status", "-e", endpoints);
            assertThat(down.code()).as(down.out()).isEqualTo(ExitCodes.UNAVAILABLE);
            assertThat(down.out()).contains("cluster: no leader: 1 of 3 members answered; a majority (2) is needed");

            // The deadline is 60 s: the write must give up because a majority is missing, not because time ran out.
            CliRun write = raftkv("put", "k", "v2", "-e", endpoints, "--timeout", "60");
            assertThat(write.code()).isEqualTo(ExitCodes.UNAVAILABLE);
            assertThat(write.err()).startsWith("error: NO_QUORUM: no leader: 1 of 3 members answered; "
                    + "a majority (2) is needed").doesNotContain("\n");
        }
    }

    @Test
    void anUnresolvableNameOrAClosedPortFailsAtOnceInOneLine() throws Exception {
        // A 60 s deadline: the command must not wait for it when nothing listens at any endpoint.
        CliRun unknown = raftkv("put", "k", "v", "-e", "raftkv-test.invalid:7001", "--timeout", "60");
        assertThat(unknown.code()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(unknown.err()).isEqualTo("error: UNREACHABLE: no member answered: raftkv-test.invalid:7001 "
                + "(unknown host)");
        int closed = InProcessCluster.freePort();
        CliRun refused = raftkv("get", "k", "-e", "127.0.0.1:" + closed, "--timeout", "60");
        assertThat(refused.code()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(refused.err()).isEqualTo("error: UNREACHABLE: no member answered: 127.0.0.1:" + closed
                + " (connection refused)");
        CliRun status = raftkv("status", "-e", "127.0.0.1:" + closed);
        assertThat(status.code()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(status.out()).contains("cluster: no member answered: 127.0.0.1:" + closed + " (connection refused)");
    }
}
