package io.raftkv.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * `raftkv node` from the packaged jar when it cannot start: exit 6 and one line on stderr naming the problem,
 * found before the data directory is touched; and a node started for `raftkv local` stops with its launcher.
 */
class NodeStartupIT {

    @TempDir
    Path dir;

    record Exit(int code, String stderr) {
        List<String> lines() {
            return stderr.lines().filter(l -> !l.isBlank()).toList();
        }
    }

    private Exit run(Map<String, String> env, String... args) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(NodeProcess.java(args)).redirectOutput(dir.resolve("out").toFile())
                .redirectError(dir.resolve("err").toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the node gave up by itself").isTrue();
        return new Exit(p.exitValue(), Files.readString(dir.resolve("err"), StandardCharsets.UTF_8));
    }

    private static List<String> node(int grpc, int http, Path data) {
        return List.of("node", "--node-id", "1", "--listen", "127.0.0.1:" + grpc, "--http", "127.0.0.1:" + http,
                "--data-dir", data.toString());
    }

    @Test
    void aBusyPortStopsTheNodeBeforeItTouchesItsDataDirectory() throws Exception {
        Path data = dir.resolve("data");
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Exit e = run(Map.of(), node(busy.getLocalPort(), InProcessCluster.freePort(), data).toArray(String[]::new));
            assertThat(e.code()).isEqualTo(6);
            assertThat(e.lines()).containsExactly("error: cannot listen on 127.0.0.1:" + busy.getLocalPort()
                    + " (listen): the port is in use by another process");
        }
        assertThat(data).as("nothing was initialised, so nothing was elected either").doesNotExist();
    }

    @Test
    void aDataDirectoryThatIsAFileIsNamed() throws Exception {
        Path file = Files.writeString(dir.resolve("data"), "not a directory");
        Exit e = run(Map.of(), node(InProcessCluster.freePort(), InProcessCluster.freePort(), file)
                .toArray(String[]::new));
        assertThat(e.code()).isEqualTo(6);
        assertThat(e.lines()).containsExactly("error: data-dir " + file + ": is a file, not a directory");
    }

    @Test
    void aSecondNodeOnTheSameDataDirectoryNamesTheHolder() throws Exception {
        NodeProcess first = new NodeProcess(1, InProcessCluster.freePort(), InProcessCluster.freePort(), dir, List.of())
                .start();
        try {
            first.awaitReady(Duration.ofSeconds(60));
            Exit e = run(Map.of(), "node", "--node-id", "1", "--listen", "127.0.0.1:" + InProcessCluster.freePort(),
                    "--http", "127.0.0.1:" + InProcessCluster.freePort(), "--data-dir", first.dataDir.toString(),
                    "--set", "cluster-name=it");
            assertThat(e.code()).isEqualTo(6);
            assertThat(e.lines()).containsExactly("error: data-dir " + first.dataDir.toAbsolutePath()
                    + " is in use by another process (pid " + first.process.pid()
                    + "); refusing to start a second node on it");
            assertThat(first.readyz()).as("the first node is unharmed").isEqualTo(200);
        } finally {
            first.kill();
        }
    }

    @Test
    void everyConfigurationProblemIsReportedAtOnceWithItsSource() throws Exception {
        Path yaml = Files.writeString(dir.resolve("node.yaml"), "node-id: 1\nraft: {tick-ms: 0}\n");
        Exit e = run(Map.of("RAFTKV_SNAPSHOT_KEEP", "0"), "node", "--config", yaml.toString(), "--log-level", "loud",
                "--set", "data-dir=" + dir.resolve("data"));
        assertThat(e.code()).isEqualTo(6);
        assertThat(e.stderr()).contains("raft.tick-ms: must be 1..10000, got 0 (from config file " + yaml + ")")
                .contains("snapshot.keep: must be >= 1, got 0 (from environment variable RAFTKV_SNAPSHOT_KEEP)")
                .contains("log-level: must be one of").contains("(from flag --log-level)")
                .doesNotContain("Exception");
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void aNodeStartedByALauncherStopsWhenTheLauncherDies() throws Exception {
        // Any process will do as the launcher: the node only watches that its PID stays alive.
        Process sleeper = new ProcessBuilder("sleep", "600").start();
        NodeProcess node = new NodeProcess(1, InProcessCluster.freePort(), InProcessCluster.freePort(), dir,
                List.of("--launcher-pid", Long.toString(sleeper.pid())));
        node.start();
        try {
            node.awaitReady(Duration.ofSeconds(60));
            sleeper.destroyForcibly(); // SIGKILL: no chance to tell anyone
            await().atMost(Duration.ofSeconds(30)).until(() -> !node.alive());
            assertThat(node.process.exitValue()).isZero();
            assertThat(node.tail()).contains("is gone: stopping this node").contains("node 1 stopped");
        } finally {
            if (node.alive()) {
                node.kill();
            }
            sleeper.destroyForcibly();
        }
    }
}
