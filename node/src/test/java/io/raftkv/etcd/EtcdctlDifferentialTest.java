package io.raftkv.etcd;

import io.raftkv.server.InProcessCluster;
import io.raftkv.server.RaftKvNode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The proof against etcd itself: one etcdctl session (src/test/resources/etcd/kv-differential.sh: put/get with
 * its flags, revisions, ranges, sorting, txn, delete, compaction and the error cases) runs against a one-member
 * etcd (Debian's etcd-server) and against a three-node RaftKV cluster; the transcripts must be equal.
 *
 * <p>Masked, because they legitimately differ: the cluster and member IDs and the Raft term in response
 * headers (etcd makes random 64-bit IDs; its first term is 2 because a single member campaigns with pre-vote
 * off, ours depends on the election). Revisions are NOT masked: RaftKV's are etcd's. The RaftKV cluster has
 * three nodes so that etcdctl's round-robin over the endpoints also exercises followers forwarding writes.
 *
 * <p>Skips (with a message) when {@code etcd} or {@code etcdctl} is not installed; CI installs both.
 */
class EtcdctlDifferentialTest {

    private static final Path SCRIPT = Path.of("src/test/resources/etcd/kv-differential.sh");

    @TempDir
    Path dir;

    @Test
    @Timeout(300)
    void etcdctlSeesTheSameAsWithEtcd() throws Exception {
        Assumptions.assumeTrue(LocalEtcd.installed("etcd") && LocalEtcd.installed("etcdctl"),
                "etcd and etcdctl are not installed (apt-get install etcd-server etcd-client); skipping");
        String expected;
        try (LocalEtcd etcd = LocalEtcd.start(dir)) {
            expected = script(etcd.endpoint, etcd.endpoint);
        }

        String actual;
        try (InProcessCluster cluster = new InProcessCluster(3)) {
            RaftKvNode leader = cluster.awaitLeader();
            String endpoints = String.join(",", cluster.endpoints());
            await().atMost(Duration.ofSeconds(30)).until(() -> run(List.of("etcdctl", "--endpoints", endpoints,
                    "get", "warm-up"), Map.of()).exitCode == 0);
            actual = script(endpoints, leader.advertise());
        }
        Files.writeString(dir.resolve("etcd.out"), expected);
        Files.writeString(dir.resolve("raftkv.out"), actual);
        assertThat(expected).as("the script ran against etcd").contains("SUCCESS").contains("FAILURE")
                .contains("required revision has been compacted");
        assertThat(mask(actual)).isEqualTo(mask(expected));
    }

    private String script(String endpoints, String leader) throws Exception {
        Result r = run(List.of("bash", SCRIPT.toAbsolutePath().toString()),
                Map.of("ENDPOINTS", endpoints, "LEADER", leader));
        assertThat(r.exitCode).as(r.output).isZero();
        return r.output;
    }

    /** Response-header IDs and terms; the endpoint list etcdctl may echo. */
    static String mask(String transcript) {
        return transcript.lines()
                .map(l -> l.replaceAll("\"(cluster_id|member_id|raft_term)\":[0-9]+", "\"$1\":X"))
                .collect(Collectors.joining("\n"));
    }

    private record Result(int exitCode, String output) {
    }

    private Result run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        pb.environment().put("ETCDCTL_API", "3");
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(240, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + command + "\n" + output);
        }
        return new Result(p.exitValue(), output);
    }
}
