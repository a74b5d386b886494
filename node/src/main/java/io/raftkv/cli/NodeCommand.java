package io.raftkv.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.raftkv.config.ConfigException;
import io.raftkv.config.ConfigLoader;
import io.raftkv.config.NodeConfig;
import io.raftkv.server.NodeLauncher;
import io.raftkv.server.RaftKvNode;
import io.raftkv.server.StartupFailure;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/** Runs one node in the foreground until SIGTERM/Ctrl-C, which stops it gracefully. */
@Command(name = "node", mixinStandardHelpOptions = true, description = "Run a node. Settings come from the YAML file, then RAFTKV_* environment "
        + "variables, then flags (highest precedence).")
final class NodeCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "YAML configuration file.")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override any setting, e.g. --set snapshot.keep=3.")
    List<String> sets = List.of();

    @Option(names = "--node-id")
    String nodeId;
    @Option(names = "--listen", paramLabel = "HOST:PORT")
    String listen;
    @Option(names = "--advertise", paramLabel = "HOST:PORT")
    String advertise;
    @Option(names = "--http", paramLabel = "HOST:PORT")
    String http;
    @Option(names = "--data-dir")
    String dataDir;
    @Option(names = "--peers", paramLabel = "ID=HOST:PORT,...")
    String peers;
    @Option(names = "--initial-cluster-state", paramLabel = "new|existing")
    String initialClusterState;
    @Option(names = "--log-level")
    String logLevel;

    @Option(names = "--launcher-pid", hidden = true, paramLabel = "PID",
            description = "Stop when this process ends (raftkv local passes its own PID, so nodes never outlive it).")
    Long launcherPid;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        NodeConfig cfg = loadConfig();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(cfg.logLevel(), Level.INFO));
        ((Logger) LoggerFactory.getLogger("io.raftkv")).setLevel(Level.toLevel(cfg.logLevel(), Level.INFO));

        AtomicReference<RaftKvNode> running = new AtomicReference<>();
        CountDownLatch stopped = new CountDownLatch(1);
        // Registered before the node starts, so that a SIGTERM (or the launcher's end) during start-up also
        // stops the node gracefully once it is up.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            RaftKvNode node = running.getAndSet(null);
            if (node != null) {
                node.close();
            }
            stopped.countDown();
            ((ch.qos.logback.classic.LoggerContext) LoggerFactory.getILoggerFactory()).stop();
        }, "raftkv-shutdown"));
        if (launcherPid != null) {
            LauncherWatch.start(launcherPid);
        }
        try {
            running.set(NodeLauncher.launch(cfg, cause -> {
                // A failed fsync or a broken invariant: acknowledged data is safe on disk, but this process must
                // not go on. Exit so a supervisor restarts it and recovery re-reads what is really on disk.
                LoggerFactory.getLogger(NodeCommand.class).error("fatal error, stopping: {}", cause.toString(), cause);
                Runtime.getRuntime().halt(ExitCodes.INTERNAL);
            }));
        } catch (StartupFailure e) {
            // Something the operator must fix (port in use, data directory unusable or held by another node):
            // one line each, no stack trace; nothing was written beyond the data directory's lock file.
            spec.commandLine().getErr().println("error: " + e.getMessage().replace("\n", "\nerror: "));
            spec.commandLine().getErr().flush();
            return ExitCodes.CONFIG;
        }
        stopped.await();
        return ExitCodes.OK;
    }

    /** Flags over environment over file; every problem of every source is reported at once, by source. */
    private NodeConfig loadConfig() {
        List<ConfigLoader.Setting> flags = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        flag(flags, "node-id", nodeId);
        flag(flags, "listen", listen);
        flag(flags, "advertise", advertise);
        flag(flags, "http", http);
        flag(flags, "data-dir", dataDir);
        flag(flags, "peers", peers);
        flag(flags, "initial-cluster-state", initialClusterState);
        flag(flags, "log-level", logLevel);
        for (String s : sets) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                problems.add("flag --set " + s + ": expected KEY=VALUE");
            } else {
                String key = s.substring(0, eq);
                flags.add(new ConfigLoader.Setting(key, s.substring(eq + 1), "flag --set " + key));
            }
        }
        try {
            NodeConfig cfg = ConfigLoader.load(config, System.getenv(), flags);
            if (problems.isEmpty()) {
                return cfg;
            }
        } catch (ConfigException e) {
            problems.addAll(e.problems());
        }
        throw new ConfigException(problems);
    }

    private static void flag(List<ConfigLoader.Setting> flags, String key, String value) {
        if (value != null) {
            flags.add(new ConfigLoader.Setting(key, value, "flag --" + key));
        }
    }
}
