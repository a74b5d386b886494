package io.raftkv.server;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;

/** One node as a separate JVM running the packaged jar (`raftkv node ...`), as an operator runs it. */
final class NodeProcess {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

    final long id;
    final int grpcPort;
    final int httpPort;
    final Path dataDir;
    final Path log;
    private final List<String> args;
    Process process;

    NodeProcess(long id, int grpcPort, int httpPort, Path dir, List<String> extraArgs) {
        this.id = id;
        this.grpcPort = grpcPort;
        this.httpPort = httpPort;
        this.dataDir = dir.resolve("node-" + id);
        this.log = dir.resolve("node-" + id + ".log");
        this.args = new ArrayList<>(List.of("node", "--node-id", Long.toString(id), "--listen", address(),
                "--http", "127.0.0.1:" + httpPort, "--data-dir", dataDir.toString(), "--set", "cluster-name=it"));
        this.args.addAll(extraArgs);
    }

    static Path jar() {
        String jar = System.getProperty("raftkv.jar");
        org.junit.jupiter.api.Assumptions.assumeTrue(jar != null && Files.exists(Path.of(jar)),
                "the packaged jar (raftkv.jar system property) is needed; run through `mvn verify`");
        return Path.of(jar);
    }

    static List<String> java(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar().toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    String address() {
        return "127.0.0.1:" + grpcPort;
    }

    NodeProcess start() throws IOException {
        process = new ProcessBuilder(java(args.toArray(String[]::new))).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return this;
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed beyond what was synced. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM: the graceful shutdown. Returns the exit status. */
    int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
    }

    int readyz() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/readyz"))
                    .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    void awaitReady(Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(50)).until(() -> {
            if (!alive()) {
                throw new AssertionError("node " + id + " exited: " + tail());
            }
            return readyz() == 200;
        });
    }

    String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
