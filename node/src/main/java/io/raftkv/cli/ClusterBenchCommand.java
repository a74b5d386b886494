package io.raftkv.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.raftkv.client.RaftKvClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures the node's performance goals on a fresh local cluster of node processes: time from process start to
 * ready, resident memory after loading N keys (against 2 x live data + 150 MiB), and leader failover (SIGKILL of
 * the leader to the first successful write), over several rounds. Prints a summary; --json writes the figures,
 * which {@code io.raftkv.bench.cluster.ClusterBenchChart} (bench module) draws as a PNG.
 */
@Command(name = "bench-cluster", description = "Start a local cluster and measure readiness time, memory per key "
        + "and leader failover (kill -9).")
final class ClusterBenchCommand implements Callable<Integer> {

    @Option(names = "--nodes", defaultValue = "3", description = "Cluster size (default ${DEFAULT-VALUE}).")
    int nodes;
    @Option(names = "--dir", defaultValue = "bench-cluster", description = "Work directory, wiped first (default ${DEFAULT-VALUE}).")
    Path dir;
    @Option(names = "--base-port", defaultValue = "17001")
    int basePort;
    @Option(names = "--http-base-port", defaultValue = "18001")
    int httpBasePort;
    @Option(names = "--keys", defaultValue = "1000000", description = "Keys to load before measuring memory (default ${DEFAULT-VALUE}).")
    int keys;
    @Option(names = "--key-size", defaultValue = "16")
    int keySize;
    @Option(names = "--value-size", defaultValue = "256")
    int valueSize;
    @Option(names = "--clients", defaultValue = "64", description = "Concurrent writes while loading (default ${DEFAULT-VALUE}).")
    int clients;
    @Option(names = "--failovers", defaultValue = "5", description = "Leader kills to measure (default ${DEFAULT-VALUE}).")
    int failovers;
    @Option(names = "--json", paramLabel = "FILE")
    Path json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        var out = spec.commandLine().getOut();
        try {
            LocalDirectory.cleanUnlessInUse(dir); // never a directory a running local cluster holds
        } catch (LocalDirectory.InUseException e) {
            spec.commandLine().getErr().println("error: " + e.getMessage());
            return ExitCodes.CONFIG;
        }
        ObjectNode result = Output.object();
        result.put("nodes", nodes);
        result.put("cores", Runtime.getRuntime().availableProcessors());
        List<String> javaOptions = LocalCluster.nodeJavaOptions(out);
        result.put("node_java_options", String.join(" ", javaOptions));
        result.put("load_average_at_start", loadAverage());
        try (LocalCluster cluster = new LocalCluster(nodes, dir, basePort, httpBasePort, "info", javaOptions);
             RaftKvClient client = new RaftKvClient(Arrays.asList(cluster.endpoints().split(",")),
                     new RaftKvClient.Options(Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofMillis(5),
                             Duration.ofMillis(50)))) {
            cluster.writeConfigs();
            ArrayNode startMs = result.putArray("start_to_ready_ms_empty");
            long[] started = new long[nodes + 1];
            for (int i = 1; i <= nodes; i++) {
                started[i] = System.nanoTime();
                cluster.start(i);
            }
            for (int i = 1; i <= nodes; i++) {
                if (!cluster.awaitReady(i, Duration.ofSeconds(60))) {
                    throw new IllegalStateException("node " + i + " did not become ready; see " + cluster.log(i));
                }
                startMs.add((System.nanoTime() - started[i]) / 1_000_000);
            }
            out.println("ready after start (empty data): " + startMs + " ms");

            // Load, sampling progress every second for the chart and printing it every few seconds.
            long t0 = System.nanoTime();
            AtomicLong done = new AtomicLong();
            ArrayNode progress = result.putArray("load_progress");
            ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
            sampler.scheduleAtFixedRate(() -> {
                long seconds = Math.round((System.nanoTime() - t0) / 1e9);
                long n = done.get();
                synchronized (progress) {
                    long before = progress.isEmpty() ? 0 : progress.get(progress.size() - 1).get("keys").asLong();
                    progress.addObject().put("second", seconds).put("keys", n).put("writes_per_second", n - before);
                }
                if (seconds % 5 == 0) {
                    out.printf("  loading: %,d of %,d keys after %d s%n", n, keys, seconds);
                    out.flush();
                }
            }, 1, 1, TimeUnit.SECONDS);
            try {
                load(client, done);
            } finally {
                sampler.shutdownNow();
                sampler.awaitTermination(5, TimeUnit.SECONDS);
            }
            double loadSeconds = (System.nanoTime() - t0) / 1e9;
            result.put("load_keys", keys);
            result.put("load_seconds", loadSeconds);
            result.put("load_writes_per_second", keys / loadSeconds);
            out.printf("loaded %d keys (%d B keys, %d B values) in %.1f s: %.0f writes/s%n", keys, keySize, valueSize,
                    loadSeconds, keys / loadSeconds);
            long live = (long) keys * (keySize + valueSize);
            long budget = 2 * live + (150L << 20);
            ArrayNode rss = result.putArray("rss_mib");
            for (int i = 1; i <= nodes; i++) {
                rss.add(cluster.residentBytes(i) >> 20);
            }
            result.put("live_data_mib", live >> 20);
            result.put("rss_budget_mib", budget >> 20);
            out.println("resident memory per node: " + rss + " MiB (live data " + (live >> 20) + " MiB, budget "
                    + (budget >> 20) + " MiB)");

            // Failover rounds.
            ArrayNode failoverMs = result.putArray("failover_ms");
            ArrayNode restartMs = result.putArray("restart_to_ready_ms_with_data");
            for (int round = 0; round < failovers; round++) {
                int leader = (int) client.leaderStatus().getMemberId();
                cluster.kill(leader);
                long killed = System.nanoTime();
                client.put("failover/" + round, "x");
                long ms = (System.nanoTime() - killed) / 1_000_000;
                failoverMs.add(ms);
                long restart = System.nanoTime();
                cluster.start(leader);
                if (!cluster.awaitReady(leader, Duration.ofSeconds(120))) {
                    throw new IllegalStateException("node " + leader + " did not come back; see " + cluster.log(leader));
                }
                long readyMs = (System.nanoTime() - restart) / 1_000_000;
                restartMs.add(readyMs);
                out.printf("round %d: killed leader %d, first write after %d ms; it was ready again after %d ms%n",
                        round + 1, leader, ms, readyMs);
            }
            long[] f = new long[failoverMs.size()];
            for (int i = 0; i < f.length; i++) {
                f[i] = failoverMs.get(i).asLong();
            }
            Arrays.sort(f);
            if (f.length > 0) {
                result.put("failover_ms_median", f[f.length / 2]);
                out.println("failover median " + f[f.length / 2] + " ms, max " + f[f.length - 1] + " ms");
            }
        }
        result.put("load_average_at_end", loadAverage());
        if (json != null) {
            Files.writeString(json, result.toPrettyString() + "\n");
        }
        return ExitCodes.OK;
    }

    /** The machine's 1, 5 and 15 minute load averages (Linux), so figures come with their conditions. */
    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    private void load(RaftKvClient client, AtomicLong done) {
        Random random = new Random(7);
        byte[] value = new byte[valueSize];
        random.nextBytes(value);
        ByteString v = ByteString.copyFrom(value);
        Semaphore inFlight = new Semaphore(clients);
        List<CompletableFuture<?>> failures = new ArrayList<>();
        for (int i = 0; i < keys; i++) {
            String k = String.format("%0" + keySize + "d", i);
            inFlight.acquireUninterruptibly();
            client.putAsync(ByteString.copyFromUtf8(k.substring(k.length() - keySize)), v).whenComplete((r, e) -> {
                inFlight.release();
                done.incrementAndGet();
                if (e != null) {
                    synchronized (failures) {
                        failures.add(CompletableFuture.failedFuture(e));
                    }
                }
            });
        }
        inFlight.acquireUninterruptibly(clients);
        if (!failures.isEmpty()) {
            failures.get(0).join();
        }
    }
}
