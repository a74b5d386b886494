package io.raftkv.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * Starts a cluster of N node processes on loopback ports, data under one directory, and stays in the
 * foreground until Ctrl-C (or SIGTERM), which stops the nodes gracefully. Each node is its own JVM, so one can
 * be killed (the pids are printed) to watch the others elect a new leader.
 */
@Command(name = "local", description = "Run a local cluster on loopback ports (the quickest way to try RaftKV).")
final class LocalCommand implements Callable<Integer> {

    @Option(names = {"-n", "--nodes"}, description = "How many nodes, 1-9 (default ${DEFAULT-VALUE}).",
            defaultValue = "3")
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
            err.println("--nodes must be 1..9");
            return ExitCodes.USAGE;
        }
        if (clean) {
            LocalCluster.deleteTree(dir);
        }
        LocalCluster cluster = new LocalCluster(nodes, dir, basePort, httpBasePort, logLevel,
                LocalCluster.nodeJavaOptions(out));
        cluster.writeConfigs();
        Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "local-cluster-stop"));
        for (int i = 1; i <= nodes; i++) {
            cluster.start(i);
        }
        for (int i = 1; i <= nodes; i++) {
            if (!cluster.awaitReady(i, Duration.ofSeconds(readyTimeout))) {
                err.println("node " + i + " did not become ready within " + readyTimeout + " s; see "
                        + cluster.log(i));
                cluster.close();
                return ExitCodes.UNAVAILABLE;
            }
        }
        Files.writeString(dir.resolve("endpoints"), cluster.endpoints() + "\n");
        out.println("RaftKV local cluster: " + nodes + " node" + (nodes > 1 ? "s" : "") + ", data under " + dir);
        for (int i = 1; i <= nodes; i++) {
            out.printf("  node %d  gRPC %s  HTTP http://%s  pid %d  log %s%n", i, cluster.grpc(i), cluster.http(i),
                    cluster.process(i).pid(), cluster.log(i));
        }
        String extra = basePort == 7001 && nodes == 3 ? "" : " -e " + cluster.endpoints();
        out.println();
        out.println("Talk to it from another terminal:");
        out.println("  ./raftkv put greeting hello" + extra);
        out.println("  ./raftkv get greeting" + extra);
        out.println("  ./raftkv status" + extra);
        out.println("  curl -s 'http://" + cluster.http(1) + "/get?key=greeting'");
        out.println("  curl -s -X POST http://" + cluster.http(1) + "/set -d '{\"key\":\"color\",\"value\":\"blue\"}'");
        out.println("Press Ctrl-C to stop the cluster (the data stays in " + dir + ").");
        out.flush();
        for (int i = 1; i <= nodes; i++) {
            cluster.process(i).waitFor();
        }
        return ExitCodes.OK;
    }
}
