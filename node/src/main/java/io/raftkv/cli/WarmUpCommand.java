package io.raftkv.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.raftkv.client.RaftKvClient;
import io.raftkv.config.ConfigLoader;
import io.raftkv.config.NodeConfig;
import io.raftkv.grpc.proto.RangeRequest;
import io.raftkv.server.NodeLauncher;
import io.raftkv.server.RaftKvNode;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Runs a one-node cluster in a temporary directory through what a node does at start and in service (recovery,
 * election, writes, reads, a range, /readyz and /metrics), then stops it. Its purpose is the class-data-sharing
 * archive: run under {@code -XX:ArchiveClassesAtExit=FILE}, it records the classes a node loads, and nodes
 * started with {@code -XX:SharedArchiveFile=FILE} skip loading and verifying them (see {@link ClassDataSharing}).
 */
@Command(name = "warm-up", description = "Start a one-node cluster in a temporary directory, use it briefly and "
        + "stop it (builds a class-data-sharing archive when run with -XX:ArchiveClassesAtExit=FILE).")
final class WarmUpCommand implements Callable<Integer> {

    private static final Duration READY_WAIT = Duration.ofSeconds(30);

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
        ((Logger) LoggerFactory.getLogger("io.raftkv")).setLevel(Level.WARN);
        Path dir = Files.createTempDirectory("raftkv-warm-up");
        try {
            String grpc = "127.0.0.1:" + freePort();
            String http = "127.0.0.1:" + freePort();
            NodeConfig config = ConfigLoader.load(null, Map.of(), Map.of("node-id", "1", "listen", grpc,
                    "http", http, "data-dir", dir.resolve("node-1").toString(), "peers", "1=" + grpc,
                    "initial-cluster-state", "new", "log-level", "warn"));
            try (RaftKvNode node = NodeLauncher.launch(config,
                    cause -> spec.commandLine().getErr().println("warm-up node failed: " + cause));
                 RaftKvClient client = new RaftKvClient(List.of(grpc))) {
                awaitReady(http);
                for (int i = 0; i < 200; i++) {
                    client.put("warm-up/" + i, "value " + i);
                    client.get("warm-up/" + i);
                }
                client.casValue("warm-up/0", "value 0", "changed");
                client.delete("warm-up/1");
                client.range(RangeRequest.newBuilder()
                        .setPrefix(com.google.protobuf.ByteString.copyFromUtf8("warm-up/")).build());
                get(http, "/metrics");
            }
        } finally {
            deletePrivateTree(dir);
        }
        spec.commandLine().getOut().println("warm-up done");
        return ExitCodes.OK;
    }

    private static void awaitReady(String http) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + READY_WAIT.toNanos();
        while (true) {
            try {
                if (get(http, "/readyz") == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("the warm-up node was not ready within " + READY_WAIT.toSeconds() + " s");
            }
            Thread.sleep(20); // polling a local HTTP endpoint; no event to wait on across processes
        }
    }

    private static int get(String http, String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + http + path))
                .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Deletes this run's own temporary directory, once its node has stopped (nobody else knows the path). */
    private static void deletePrivateTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
