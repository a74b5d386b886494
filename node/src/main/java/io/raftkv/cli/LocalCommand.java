package io.raftkv.cli;

import io.raftkv.server.StartupChecks;
import io.raftkv.storage.DataDirLock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * Starts a cluster of N node processes on loopback ports, data under one directory, and stays in the
 * foreground until Ctrl-C (or SIGTERM, or {@code raftkv local stop}), which stops the nodes gracefully. Each node
 * is its own JVM, so one can be killed (the pids are printed) to watch the others elect a new leader, and brought
 * back with {@code raftkv local restart N}. The launcher holds its directory's lock and every node its data
 * directory's ({@link LocalDirectory}), so no second launcher, leftover node or {@code --clean} can step on a
 * running cluster; nodes stop when the launcher ends, however it ends.
 */
@Command(name = "local", mixinStandardHelpOptions = true,
        description = "Run a local cluster on loopback ports (the quickest way to try RaftKV).",
        subcommands = {LocalControlCommands.Stop.class, LocalControlCommands.Restart.class})
final class LocalCommand implements Callable<Integer> {

    static final String DEFAULT_DIR = "local-cluster";

    @Option(names = {"-n", "--nodes"}, description = "How many nodes, 1-9 (default ${DEFAULT-VALUE}).",
            defaultValue = "3")
    int nodes;

    @Option(names = "--dir", description = "Data, configs and logs go here (default ${DEFAULT-VALUE}).",
            defaultValue = DEFAULT_DIR)
    Path dir;

    @Option(names = "--base-port", description = "gRPC port of node 1; node i uses base+i-1 (default ${DEFAULT-VALUE}).",
            defaultValue = "7001")
    int basePort;

    @Option(names = "--http-base-port", description = "HTTP port of node 1 (default ${DEFAULT-VALUE}).",
            defaultValue = "8001")
    int httpBasePort;

    @Option(names = "--clean", description = "Delete the directory's previous data first (refused while any of "
            + "its nodes runs).")
    boolean clean;

    @Option(names = "--log-level", description = "Node log level (default ${DEFAULT-VALUE}).", defaultValue = "info")
    String logLevel;

    @Option(names = "--ready-timeout", description = "Seconds to wait for the nodes to be ready (default ${DEFAULT-VALUE}).",
            defaultValue = "60")
    int readyTimeout;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (nodes < 1 || nodes > 9) {
            err.println("error: --nodes must be 1..9");
            return ExitCodes.USAGE;
        }
        DataDirLock launcherLock;
        try {
            launcherLock = LocalDirectory.lockForLauncher(dir);
        } catch (LocalDirectory.InUseException e) {
            err.println("error: " + e.getMessage());
            return ExitCodes.CONFIG;
        }
        try {
            LocalDirectory.requireNoNodeRunning(dir);
            if (clean) {
                LocalDirectory.clean(dir);
            }
        } catch (LocalDirectory.InUseException e) {
            launcherLock.close();
            err.println("error: " + e.getMessage());
            return ExitCodes.CONFIG;
        }
        LocalCluster layout = new LocalCluster(nodes, dir, basePort, httpBasePort, logLevel, List.of());
        List<String> busy = new ArrayList<>();
        for (int i = 1; i <= nodes; i++) {
            StartupChecks.portProblem("node " + i + " gRPC", layout.grpc(i)).ifPresent(busy::add);
            StartupChecks.portProblem("node " + i + " HTTP", layout.http(i)).ifPresent(busy::add);
        }
        if (!busy.isEmpty()) {
            err.println("error: " + busy.get(0) + (busy.size() > 1 ? " (and " + (busy.size() - 1) + " more)" : "")
                    + "; choose other ports with --base-port and --http-base-port");
            launcherLock.close();
            return ExitCodes.CONFIG;
        }
        LocalCluster cluster = new LocalCluster(nodes, dir, basePort, httpBasePort, logLevel, LocalCluster.nodeJavaOptions(out));
        cluster.writeConfigs();
        LocalCluster started = cluster;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            started.close();
            try {
                launcherLock.close();
            } catch (java.io.IOException e) {
                // released by the OS as this process exits anyway
            }
        }, "local-cluster-stop"));
        for (int i = 1; i <= nodes; i++) {
            cluster.start(i);
        }
        NodeReadiness last = null;
        for (int i = 1; i <= nodes; i++) {
            try {
                last = LocalCluster.awaitVerifiedReady(cluster.process(i).toHandle(), i, cluster.http(i),
                        cluster.log(i), Duration.ofSeconds(readyTimeout));
            } catch (LocalCluster.NotReadyException e) {
                err.println("error: " + e.getMessage());
                err.flush();
                cluster.close();
                return e.exitCode;
            }
        }
        long leader = leaderOf(cluster, last);
        Files.writeString(dir.resolve("endpoints"), cluster.endpoints() + "\n");
        out.println("RaftKV local cluster: " + nodes + " node" + (nodes > 1 ? "s" : "") + ", data under " + dir
                + ", leader: node " + leader);
        for (int i = 1; i <= nodes; i++) {
            out.printf("  node %d  gRPC %s  HTTP http://%s  pid %d  log %s%s%n", i, cluster.grpc(i), cluster.http(i),
                    cluster.process(i).pid(), cluster.log(i), i == leader ? "  (leader)" : "");
        }
        String extra = basePort == 7001 && nodes == 3 ? "" : " -e " + cluster.endpoints();
        String dirFlag = dir.equals(Path.of(DEFAULT_DIR)) ? "" : " --dir " + dir;
        out.println();
        out.println("Talk to it from another terminal:");
        out.println("  ./raftkv put greeting hello" + extra);
        out.println("  ./raftkv get greeting" + extra);
        out.println("  ./raftkv status" + extra);
        out.println("  curl -s 'http://" + cluster.http(1) + "/get?key=greeting'");
        out.println("  curl -s -X POST http://" + cluster.http(1) + "/set -d '{\"key\":\"color\",\"value\":\"blue\"}'");
        out.println("Kill a node (kill -9 PID) to watch a new election; bring it back with: ./raftkv local restart N"
                + dirFlag);
        out.println("Press Ctrl-C (or run ./raftkv local stop" + dirFlag + ") to stop the cluster (the data stays in "
                + dir + ").");
        out.flush();
        cluster.watch(out, "./raftkv local restart %d" + dirFlag);
        new CountDownLatch(1).await(); // until Ctrl-C or SIGTERM: the shutdown hook stops the nodes
        return ExitCodes.OK;
    }

    /** The leader as the nodes report it (they agree once all are ready; the last one asked knows it). */
    private static long leaderOf(LocalCluster cluster, NodeReadiness last) {
        for (int i = 1; i <= cluster.nodes; i++) {
            NodeReadiness.Answer a = NodeReadiness.ask(cluster.http(i)).orElse(null);
            if (a != null && a.node() != null && a.node().role().equals("LEADER")) {
                return a.node().nodeId();
            }
        }
        return last == null ? 0 : last.leader();
    }
}
