package io.raftkv.cli;

import io.raftkv.server.InProcessCluster;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * `raftkv local --nodes 3` from the packaged jar, used the way the README says: its banner, a second launcher on
 * the same directory, a node killed and restarted, `raftkv local stop`, and a killed launcher whose nodes must
 * not outlive it.
 */
class LocalCommandIT {

    @TempDir
    Path dir;

    /** A running `raftkv local` and everything it printed so far. */
    static final class Launcher {
        final Process process;
        final StringBuffer printed = new StringBuffer();

        Launcher(Process process) {
            this.process = process;
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        printed.append(line).append('\n');
                    }
                } catch (IOException e) {
                    printed.append("(read failed: ").append(e).append(")\n");
                }
            }, "launcher-output");
            reader.setDaemon(true);
            reader.start();
        }

        void awaitPrinted(String text, Duration within) {
            await().atMost(within).pollInterval(Duration.ofMillis(100)).until(() -> {
                if (printed.indexOf(text) >= 0) {
                    return true;
                }
                if (!process.isAlive()) {
                    throw new AssertionError("raftkv local ended (status " + process.exitValue() + "):\n" + printed);
                }
                return false;
            });
        }

        /** Node number to PID, from the banner. */
        Map<Integer, Long> pids() {
            Map<Integer, Long> pids = new TreeMap<>();
            Matcher m = Pattern.compile("node (\\d) +gRPC \\S+ +HTTP \\S+ +pid (\\d+)").matcher(printed);
            while (m.find()) {
                pids.put(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)));
            }
            return pids;
        }
    }

    record Result(int code, String output) {
    }

    static String jar() {
        String jar = System.getProperty("raftkv.jar");
        Assumptions.assumeTrue(jar != null && Files.exists(Path.of(jar)),
                "the packaged jar (raftkv.jar system property) is needed; run through `mvn verify`");
        return jar;
    }

    static List<String> raftkvCommand(String... args) {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-jar",
                jar()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    static Result raftkv(String... args) throws Exception {
        Process p = new ProcessBuilder(raftkvCommand(args)).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), output.trim());
    }

    Launcher startLocal(Path clusterDir, int grpc, int http) throws Exception {
        Launcher launcher = new Launcher(new ProcessBuilder(raftkvCommand("local", "--nodes", "3", "--dir",
                clusterDir.toString(), "--base-port", Integer.toString(grpc), "--http-base-port",
                Integer.toString(http))).redirectErrorStream(true).start());
        launcher.awaitPrinted("Press Ctrl-C", Duration.ofSeconds(120));
        return launcher;
    }

    @Test
    void localClusterServesIsRefusedTwiceRestartsAKilledNodeAndStops() throws Exception {
        int grpc = InProcessCluster.freePorts(3); // node i listens on base + i - 1
        int http = InProcessCluster.freePorts(3);
        Path cluster = dir.resolve("cluster");
        Launcher local = startLocal(cluster, grpc, http);
        try {
            String banner = local.printed.toString();
            assertThat(banner).contains("RaftKV local cluster: 3 nodes").containsPattern("leader: node [123]")
                    .contains("(leader)");
            Map<Integer, Long> pids = local.pids();
            assertThat(pids).containsOnlyKeys(1, 2, 3);
            // The nodes start with the class-data-sharing archive, built beside the jar by a warm-up run.
            Path archive = Path.of(jar() + ".jsa");
            assertThat(archive).isRegularFile();
            assertThat(Files.size(archive)).isPositive();
            assertThat(ProcessHandle.of(pids.get(1)).flatMap(h -> h.info().arguments())
                    .map(List::of).orElseThrow()).contains("-XX:SharedArchiveFile=" + archive.toAbsolutePath());
            String endpoints = "127.0.0.1:" + grpc + ",127.0.0.1:" + (grpc + 1) + ",127.0.0.1:" + (grpc + 2);
            assertThat(cli("put", "greeting", "hello", "-e", endpoints)).startsWith("OK (revision ");
            assertThat(cli("get", "greeting", "-e", endpoints)).isEqualTo("hello");
            HttpClient client = HttpClient.newHttpClient();
            String got = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + (http + 1)
                    + "/get?key=greeting")).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(got).contains("\"value\":\"hello\"");

            // A second launcher on the same directory is refused: it would reuse live nodes' data and ports.
            Result second = raftkv("local", "--nodes", "3", "--dir", cluster.toString(), "--base-port",
                    Integer.toString(grpc), "--http-base-port", Integer.toString(http), "--clean");
            assertThat(second.code()).isEqualTo(ExitCodes.CONFIG);
            assertThat(second.output()).isEqualTo("error: " + cluster + " is in use by another raftkv local (pid "
                    + local.process.pid() + "); stop it with: raftkv local stop --dir " + cluster);
            assertThat(cli("get", "greeting", "-e", endpoints)).isEqualTo("hello");

            // A killed node is reported, and restarted through the launcher's directory.
            ProcessHandle.of(pids.get(2)).orElseThrow().destroyForcibly();
            local.awaitPrinted("node 2 (pid " + pids.get(2) + ") exited with status 137", Duration.ofSeconds(30));
            Result restart = raftkv("local", "restart", "2", "--dir", cluster.toString());
            assertThat(restart.code()).as(restart.output()).isZero();
            Matcher restarted = Pattern.compile("node 2 is running again: pid (\\d+), leader: node [123]")
                    .matcher(restart.output());
            assertThat(restarted.find()).as(restart.output()).isTrue();
            long newPid = Long.parseLong(restarted.group(1));
            local.awaitPrinted("node 2 is running again (pid " + newPid + ")", Duration.ofSeconds(30));

            // `local stop` stops the launcher and every node, also the restarted one that is not its child.
            Result stop = raftkv("local", "stop", "--dir", cluster.toString());
            assertThat(stop.code()).as(stop.output()).isZero();
            assertThat(stop.output()).contains("stopped raftkv local (pid " + local.process.pid() + ")");
            assertThat(local.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            for (long pid : List.of(pids.get(1), newPid, pids.get(3))) {
                assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("pid " + pid).isFalse();
            }
        } finally {
            local.process.destroy();
            assertThat(local.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        for (int i = 1; i <= 3; i++) {
            assertThat(Files.readString(cluster.resolve("node-" + i + ".log"))).contains("node " + i + " stopped");
        }
        assertThat(raftkv("local", "stop", "--dir", cluster.toString()).output())
                .isEqualTo("nothing is running in " + cluster);
    }

    @Test
    void nodesDoNotOutliveAKilledLauncher() throws Exception {
        Path cluster = dir.resolve("orphans");
        Launcher local = startLocal(cluster, InProcessCluster.freePorts(3), InProcessCluster.freePorts(3));
        Map<Integer, Long> pids = local.pids();
        assertThat(pids).hasSize(3);
        local.process.destroyForcibly(); // SIGKILL: no shutdown hook runs in the launcher
        assertThat(local.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(pids.values())
                .allSatisfy(pid -> assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                        .as("node pid " + pid).isFalse()));
        for (int i = 1; i <= 3; i++) {
            assertThat(Files.readString(cluster.resolve("node-" + i + ".log"))).contains("is gone: stopping this node")
                    .contains("node " + i + " stopped");
        }
    }

    /** A CLI command with a generous deadline: the machine running the tests may be heavily loaded. */
    private static String cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--timeout", "60"));
        int code = RaftKvCli.run(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        assertThat(code).as(err.toString()).isZero();
        return out.toString().trim();
    }
}
