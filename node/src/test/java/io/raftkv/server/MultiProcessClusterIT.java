package io.raftkv.server;

import io.raftkv.client.RaftKvClient;
import io.raftkv.grpc.proto.Consistency;
import io.raftkv.grpc.proto.Role;
import io.raftkv.grpc.proto.StatusResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three node processes of the packaged jar on loopback, with real file storage: the leader is SIGKILLed and
 * writes resume; the killed node restarts from its disk and catches up; a SIGTERMed leader hands over
 * leadership and exits cleanly.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiProcessClusterIT {

    @TempDir
    static Path dir;
    static final List<NodeProcess> nodes = new ArrayList<>();
    static RaftKvClient client;

    @BeforeAll
    static void start() throws Exception {
        NodeProcess.jar();
        List<int[]> ports = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ports.add(new int[] {InProcessCluster.freePort(), InProcessCluster.freePort()});
        }
        String peers = java.util.stream.IntStream.range(0, 3).mapToObj(i -> (i + 1) + "=127.0.0.1:" + ports.get(i)[0])
                .collect(Collectors.joining(","));
        for (int i = 0; i < 3; i++) {
            nodes.add(new NodeProcess(i + 1, ports.get(i)[0], ports.get(i)[1], dir,
                    List.of("--peers", peers, "--set", "snapshot.threshold-entries=200",
                            "--set", "snapshot.retain-entries=50")).start());
        }
        for (NodeProcess n : nodes) {
            n.awaitReady(Duration.ofSeconds(60));
        }
        client = new RaftKvClient(nodes.stream().map(NodeProcess::address).toList(),
                RaftKvClient.Options.defaults().withDeadline(Duration.ofSeconds(20)));
    }

    @AfterAll
    static void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        for (NodeProcess n : nodes) {
            if (n.alive()) {
                n.kill();
            }
        }
    }

    static NodeProcess leader() {
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> client.leaderStatus() != null);
        long id = client.leaderStatus().getMemberId();
        return nodes.stream().filter(n -> n.id == id).findFirst().orElseThrow();
    }

    @Test
    @Order(1)
    void writesResumeAfterTheLeaderIsKilledAndTheNodeRecoversFromDisk() throws Exception {
        for (int i = 0; i < 300; i++) {
            client.put("k" + i, "v" + i);
        }
        NodeProcess old = leader();
        old.kill();
        client.put("after-kill", "yes");
        assertThat(leader().id).isNotEqualTo(old.id);

        old.start();
        old.awaitReady(Duration.ofSeconds(60));
        try (RaftKvClient direct = new RaftKvClient(List.of(old.address()))) {
            await().atMost(Duration.ofSeconds(20)).until(() -> direct.status(old.address()).getKeyCount() == 301);
            // A serializable read answers from the restarted node's own state.
            assertThat(direct.get(com.google.protobuf.ByteString.copyFromUtf8("k0"), Consistency.SERIALIZABLE)
                    .getKv().getValue().toStringUtf8()).isEqualTo("v0");
        }
    }

    @Test
    @Order(2)
    void aLeaderStoppedWithSigtermHandsOverLeadershipAndExitsCleanly() throws Exception {
        NodeProcess old = leader();
        long termBefore = client.leaderStatus().getTerm();
        // The JVM reports a SIGTERM exit as 143 (128 + 15) even after a clean shutdown; the log says it was one.
        assertThat(old.terminate()).isEqualTo(143);
        assertThat(old.tail()).contains("shutting down: leadership handed off (transfer STARTED)").contains("node " + old.id + " stopped");
        NodeProcess next = leader();
        assertThat(next.id).isNotEqualTo(old.id);
        StatusResponse s = client.leaderStatus();
        assertThat(s.getRole()).isEqualTo(Role.LEADER);
        assertThat(s.getTerm()).isGreaterThan(termBefore);
        client.put("after-term", "yes");
        old.start();
        old.awaitReady(Duration.ofSeconds(60));
        assertThat(client.get("after-term")).isEqualTo("yes");
    }
}
