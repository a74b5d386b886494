package io.raftkv.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Node processes on loopback ports with data under one directory: what {@code raftkv local} runs and what
 * {@code raftkv bench cluster} measures. Node i (from 1) listens for gRPC on basePort+i-1 and HTTP on
 * httpBasePort+i-1, writes its config to DIR/node-i.yaml and its log to DIR/node-i.log.
 */
final class LocalCluster implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

    final int nodes;
    final Path dir;
    final int basePort;
    final int httpBasePort;
    private final String logLevel;
    private final List<String> javaOptions;
    private final Process[] processes;

    LocalCluster(int nodes, Path dir, int basePort, int httpBasePort, String logLevel, List<String> javaOptions) {
        this.nodes = nodes;
        this.dir = dir;
        this.basePort = basePort;
        this.httpBasePort = httpBasePort;
        this.logLevel = logLevel;
        this.javaOptions = javaOptions;
        this.processes = new Process[nodes + 1];
    }

    /**
     * JVM options for the nodes: the class-data-sharing archive (built first if needed, see
     * {@link ClassDataSharing}), then RAFTKV_NODE_JAVA_OPTS if set.
     */
    static List<String> nodeJavaOptions(PrintWriter progress) {
        List<String> options = new ArrayList<>(ClassDataSharing.nodeOptions(progress));
        String opts = System.getenv("RAFTKV_NODE_JAVA_OPTS");
        if (opts != null && !opts.isBlank()) {
            options.addAll(Arrays.asList(opts.trim().split("\\s+")));
        }
        return options;
    }

    String grpc(int i) {
        return "127.0.0.1:" + (basePort + i - 1);
    }

    String http(int i) {
        return "127.0.0.1:" + (httpBasePort + i - 1);
    }

    String endpoints() {
        return IntStream.rangeClosed(1, nodes).mapToObj(this::grpc).collect(Collectors.joining(","));
    }

    Path log(int i) {
        return dir.resolve("node-" + i + ".log");
    }

    Process process(int i) {
        return processes[i];
    }

    /** Writes every node's configuration (bootstrapping one cluster of all nodes). */
    void writeConfigs() throws IOException {
        Files.createDirectories(dir);
        String peers = IntStream.rangeClosed(1, nodes)
                .mapToObj(i -> "  - id: " + i + "\n    address: " + grpc(i)).collect(Collectors.joining("\n"));
        for (int i = 1; i <= nodes; i++) {
            Path config = dir.resolve("node-" + i + ".yaml");
            Files.writeString(config, """
                    # Written by `raftkv local`; run this node alone with: raftkv node --config %s
                    cluster-name: local
                    node-id: %d
                    listen: %s
                    http: %s
                    data-dir: %s
                    initial-cluster-state: new
                    log-level: %s
                    peers:
                    %s
                    """.formatted(config, i, grpc(i), http(i), dir.resolve("node-" + i).toAbsolutePath(), logLevel,
                    peers));
        }
    }

    /** Starts node i's process (its log is appended to). */
    Process start(int i) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(javaOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), RaftKvCli.class.getName(), "node",
                "--config", dir.resolve("node-" + i + ".yaml").toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log(i).toFile())).start();
        processes[i] = p;
        Files.writeString(dir.resolve("node-" + i + ".pid"), p.pid() + "\n");
        return p;
    }

    /** True once node i answers /readyz with 200. */
    boolean ready(int i) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + http(i) + "/readyz"))
                            .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Waits until node i is ready; returns false on timeout or if the process exited.
     */
    boolean awaitReady(int i, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!processes[i].isAlive()) {
                return false;
            }
            if (ready(i)) {
                return true;
            }
            Thread.sleep(20); // polling another process's port: there is nothing to block on instead
        }
        return false;
    }

    /** SIGKILL. */
    void kill(int i) throws InterruptedException {
        processes[i].destroyForcibly();
        processes[i].waitFor();
    }

    /** Resident memory of node i in bytes (Linux /proc), or -1. */
    long residentBytes(int i) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + processes[i].pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** SIGTERM to every node (graceful), then SIGKILL what is still running after 15 s. */
    @Override
    public void close() {
        for (int i = 1; i <= nodes; i++) {
            if (processes[i] != null) {
                processes[i].destroy();
            }
        }
        for (int i = 1; i <= nodes; i++) {
            Process p = processes[i];
            if (p == null) {
                continue;
            }
            try {
                if (!p.waitFor(15, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
