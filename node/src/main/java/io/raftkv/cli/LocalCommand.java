package io.raftkv.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

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
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * Starts a cluster of N node processes on loopback ports, data under one directory, and stays in the
 * foreground until Ctrl-C (or SIGTERM), which stops the nodes gracefully. Each node is a separate JVM, so one
 * can be killed (the pids are printed) to watch the others elect a new leader.
 */
@Command(name = "local", description = "Run a local cluster on loopback ports (the quickest way to try RaftKV).")
final class LocalCommand implements Callable<Integer> {

    @Option(names = {"-n", "--nodes"}, description = "How many nodes (default ${DEFAULT-VALUE}).", defaultValue = "3")
    int nodes;

    @Option(names = "--dir", description = "Data, configs and logs go here (default ${DEFAULT-VALUE}).",
            defaultValue = "local-cluster")
    Path dir;

    @Option(names = "--base-port", description = "gRPC port of node 1; node i uses base+i-1 (default ${DEFAULT-VALUE}).",
            defaultValue = "7001")
    int basePort;

    @Option(names = "--http-base-port", description = "HTTP port of node 1 (default ${DEFAULT-VALUE}).",
            defaultValue = "8001")
    int httpBasePort;

    @Option(names = "--clean", description = "Delete the directory's previous data first.")
    boolean clean;

    @Option(names = "--log-level", description = "Node log level (default ${DEFAULT-VALUE}).", defaultValue = "info")
    String logLevel;

    @Option(names = "--ready-timeout", description = "Seconds to wait for every node to be ready (default ${DEFAULT-VALUE}).",
            defaultValue = "60")
    int readyTimeout;

    @Spec
    CommandSpec spec;

    private final List<Process> children = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (nodes < 1 || nodes > 9) {
            err.println("--nodes must be 1..9");
            return ExitCodes.USAGE;
        }
        if (clean && Files.exists(dir)) {
            deleteTree(dir);
        }
        Files.createDirectories(dir);
        String peers = java.util.stream.IntStream.rangeClosed(1, nodes)
                .mapToObj(i -> "    - id: " + i + "\n      address: 127.0.0.1:" + (basePort + i - 1))
                .collect(Collectors.joining("\n"));
        Runtime.getRuntime().addShutdownHook(new Thread(this::stopChildren, "local-cluster-stop"));
        for (int i = 1; i <= nodes; i++) {
            Path config = dir.resolve("node-" + i + ".yaml");
            Files.writeString(config, """
                    # Written by `raftkv local`; run one node with: raftkv node --config %s
                    cluster-name: local
                    node-id: %d
                    listen: 127.0.0.1:%d
                    http: 127.0.0.1:%d
                    data-dir: %s
                    initial-cluster-state: new
                    log-level: %s
                    peers:
                    %s
                    """.formatted(config, i, basePort + i - 1, httpBasePort + i - 1,
                    dir.resolve("node-" + i).toAbsolutePath(), logLevel, peers));
            children.add(spawn(config, dir.resolve("node-" + i + ".log")));
        }
        if (!awaitReady(err)) {
            err.println("the cluster did not become ready within " + readyTimeout + " s; see the logs in " + dir);
            stopChildren();
            return ExitCodes.UNAVAILABLE;
        }
        String endpoints = java.util.stream.IntStream.rangeClosed(1, nodes)
                .mapToObj(i -> "127.0.0.1:" + (basePort + i - 1)).collect(Collectors.joining(","));
        Files.writeString(dir.resolve("endpoints"), endpoints + "\n");
        out.println("RaftKV local cluster: " + nodes + " node" + (nodes > 1 ? "s" : "") + ", data under " + dir);
        for (int i = 1; i <= nodes; i++) {
            out.printf("  node %d  gRPC 127.0.0.1:%d  HTTP http://127.0.0.1:%d  pid %d  log %s%n", i, basePort + i - 1,
                    httpBasePort + i - 1, children.get(i - 1).pid(), dir.resolve("node-" + i + ".log"));
        }
        String extra = basePort == 7001 && nodes == 3 ? "" : " -e " + endpoints;
        out.println();
        out.println("Talk to it (in another terminal):");
        out.println("  ./raftkv put greeting hello" + extra);
        out.println("  ./raftkv get greeting" + extra);
        out.println("  ./raftkv status" + extra);
        out.println("  curl -s 'http://127.0.0.1:" + httpBasePort + "/get?key=greeting'");
        out.println("  curl -s -X POST http://127.0.0.1:" + httpBasePort + "/set -d '{\"key\":\"color\",\"value\":\"blue\"}'");
        out.println("Press Ctrl-C to stop the cluster (the data stays in " + dir + ").");
        out.flush();
        for (Process p : children) {
            p.waitFor();
        }
        return ExitCodes.OK;
    }

    private Process spawn(Path config, Path log) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        String opts = System.getenv("RAFTKV_NODE_JAVA_OPTS");
        if (opts != null && !opts.isBlank()) {
            cmd.addAll(Arrays.asList(opts.trim().split("\\s+")));
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), RaftKvCli.class.getName(), "node",
                "--config", config.toString()));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private boolean awaitReady(PrintWriter err) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(readyTimeout).toNanos();
        for (int i = 1; i <= nodes; i++) {
            URI uri = URI.create("http://127.0.0.1:" + (httpBasePort + i - 1) + "/readyz");
            while (true) {
                Process p = children.get(i - 1);
                if (!p.isAlive()) {
                    err.println("node " + i + " exited with status " + p.exitValue() + "; see "
                            + dir.resolve("node-" + i + ".log"));
                    return false;
                }
                try {
                    HttpResponse<Void> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(1)).build(),
                            HttpResponse.BodyHandlers.discarding());
                    if (r.statusCode() == 200) {
                        break;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                if (System.nanoTime() > deadline) {
                    return false;
                }
                Thread.sleep(50); // polling a child process's port; there is nothing to wait on instead
            }
        }
        return true;
    }

    private void stopChildren() {
        for (Process p : children) {
            p.destroy(); // SIGTERM: each node hands over leadership and flushes
        }
        for (Process p : children) {
            try {
                if (!p.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
