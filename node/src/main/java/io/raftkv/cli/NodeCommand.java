package io.raftkv.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.raftkv.config.ConfigLoader;
import io.raftkv.config.NodeConfig;
import io.raftkv.server.NodeLauncher;
import io.raftkv.server.RaftKvNode;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** Runs one node in the foreground until SIGTERM/Ctrl-C, which stops it gracefully. */
@Command(name = "node", description = "Run a node. Settings come from the YAML file, then RAFTKV_* environment "
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

    @Override
    public Integer call() throws Exception {
        Map<String, String> overrides = new LinkedHashMap<>();
        put(overrides, "node-id", nodeId);
        put(overrides, "listen", listen);
        put(overrides, "advertise", advertise);
        put(overrides, "http", http);
        put(overrides, "data-dir", dataDir);
        put(overrides, "peers", peers);
        put(overrides, "initial-cluster-state", initialClusterState);
        put(overrides, "log-level", logLevel);
        for (String s : sets) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new io.raftkv.config.ConfigException("--set " + s + ": expected KEY=VALUE");
            }
            overrides.put(s.substring(0, eq), s.substring(eq + 1));
        }
        NodeConfig cfg = ConfigLoader.load(config, System.getenv(), overrides);
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(cfg.logLevel(), Level.INFO));
        ((Logger) LoggerFactory.getLogger("io.raftkv")).setLevel(Level.toLevel(cfg.logLevel(), Level.INFO));

        CountDownLatch stopped = new CountDownLatch(1);
        RaftKvNode node = NodeLauncher.launch(cfg, cause -> {
            // A failed fsync or a broken invariant: acknowledged data is safe on disk, but this process must not
            // go on. Exit so a supervisor restarts it and recovery re-reads what is really on disk.
            LoggerFactory.getLogger(NodeCommand.class).error("fatal error, stopping: {}", cause.toString(), cause);
            Runtime.getRuntime().halt(ExitCodes.INTERNAL);
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
            ((ch.qos.logback.classic.LoggerContext) LoggerFactory.getILoggerFactory()).stop();
        }, "raftkv-shutdown"));
        stopped.await();
        return ExitCodes.OK;
    }

    private static void put(Map<String, String> m, String key, String value) {
        if (value != null) {
            m.put(key, value);
        }
    }
}
