package io.raftkv.cli;

import io.raftkv.config.ConfigException;
import io.raftkv.config.ConfigLoader;
import io.raftkv.config.NodeConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.concurrent.Callable;

/**
 * {@code raftkv local stop} and {@code raftkv local restart N}: act on a running local cluster found from its
 * directory, through the locks its launcher and nodes hold (the OS says who holds them, so a stale PID is never
 * signalled).
 */
final class LocalControlCommands {

    private static final Duration STOP_WAIT = Duration.ofSeconds(30);

    private LocalControlCommands() {
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "Stop the local cluster running in a directory gracefully: its launcher and every node "
                    + "(also nodes restarted by hand).")
    static final class Stop implements Callable<Integer> {
        @Option(names = "--dir", description = "The cluster's directory (default ${DEFAULT-VALUE}).",
                defaultValue = LocalCommand.DEFAULT_DIR)
        Path dir;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            boolean any = false;
            OptionalLong launcher = LocalDirectory.launcher(dir);
            if (launcher.isPresent()) {
                // The launcher stops its nodes on SIGTERM (and they would stop with it anyway).
                ProcessHandle.of(launcher.getAsLong()).ifPresent(h -> LocalCluster.stopAll(List.of(h), STOP_WAIT));
                out.println("stopped raftkv local (pid " + launcher.getAsLong() + ") and its nodes");
                any = true;
            }
            SortedMap<Integer, Long> nodes = LocalDirectory.runningNodes(dir);
            for (Map.Entry<Integer, Long> node : nodes.entrySet()) {
                ProcessHandle.of(node.getValue()).ifPresent(h -> LocalCluster.stopAll(List.of(h), STOP_WAIT));
                out.println("stopped node " + node.getKey() + " (pid " + node.getValue() + ")");
                any = true;
            }
            if (!any) {
                out.println("nothing is running in " + dir);
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "restart", mixinStandardHelpOptions = true,
            description = "Start node N of the running local cluster again (stopping it first if it runs); it stops "
                    + "with the cluster like the others.")
    static final class Restart implements Callable<Integer> {
        @Parameters(paramLabel = "N", description = "The node's number, as `raftkv local` printed it.")
        int node;

        @Option(names = "--dir", description = "The cluster's directory (default ${DEFAULT-VALUE}).",
                defaultValue = LocalCommand.DEFAULT_DIR)
        Path dir;

        @Option(names = "--ready-timeout", description = "Seconds to wait for the node to be ready "
                + "(default ${DEFAULT-VALUE}).", defaultValue = "60")
        int readyTimeout;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Path config = LocalCluster.config(dir, node);
            if (!Files.isRegularFile(config)) {
                err.println("error: " + dir + " has no node " + node + " (no " + config + ")");
                return ExitCodes.USAGE;
            }
            OptionalLong launcher = LocalDirectory.launcher(dir);
            if (launcher.isEmpty()) {
                err.println("error: no raftkv local is running in " + dir + "; start the cluster with: raftkv local"
                        + (dir.equals(Path.of(LocalCommand.DEFAULT_DIR)) ? "" : " --dir " + dir));
                return ExitCodes.REFUSED;
            }
            NodeConfig cfg;
            try {
                cfg = ConfigLoader.load(config, Map.of(), List.<ConfigLoader.Setting>of());
            } catch (ConfigException e) {
                err.println("error: " + config + ": " + String.join("; ", e.problems()));
                return ExitCodes.CONFIG;
            }
            Long running = LocalDirectory.runningNodes(dir).get(node);
            if (running != null) {
                ProcessHandle.of(running).ifPresent(h -> LocalCluster.stopAll(List.of(h), STOP_WAIT));
                out.println("stopped node " + node + " (pid " + running + ")");
            }
            Process p = LocalCluster.startNode(config, LocalCluster.log(dir, node), LocalCluster.nodeJavaOptions(out),
                    launcher.getAsLong());
            try {
                NodeReadiness ready = LocalCluster.awaitVerifiedReady(p.toHandle(), node, cfg.http(),
                        LocalCluster.log(dir, node), Duration.ofSeconds(readyTimeout));
                out.println("node " + node + " is running again: pid " + p.pid() + ", leader: node " + ready.leader());
                out.flush();
                return ExitCodes.OK;
            } catch (LocalCluster.NotReadyException e) {
                p.destroy();
                err.println("error: " + e.getMessage());
                return e.exitCode;
            }
        }
    }
}
