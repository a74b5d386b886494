package io.raftkv.cli;

import io.raftkv.storage.DataDirLock;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Node processes on loopback ports with data under one directory: what {@code raftkv local} runs and what
 * {@code raftkv bench cluster} measures. Node i (from 1) listens for gRPC on basePort+i-1 and HTTP on
 * httpBasePort+i-1, writes its config to DIR/node-i.yaml, its data to DIR/node-i/ and its log to DIR/node-i.log.
 * Every node is started with the launcher's PID and stops when the launcher ends ({@link LauncherWatch}).
 *
 * <p>Threads: the launcher's main thread starts nodes and waits for them; {@link #watch} runs one daemon thread
 * that only reads process state and prints; {@link #close} runs on the shutdown hook's thread.
 */
final class LocalCluster implements AutoCloseable {

    static final String CLUSTER_NAME = "local";
    private static final Duration STOP_WAIT = Duration.ofSeconds(15);

    final int nodes;
    final Path dir;
    final int basePort;
    final int httpBasePort;
    private final String logLevel;
    private final List<String> javaOptions;
    private final Process[] processes;
    private ScheduledExecutorService watcher;

    /** Node i did not become ready; {@code exitCode} is what the launcher should exit with. */
    static final class NotReadyException extends Exception {
        final int exitCode;

        NotReadyException(String message, int exitCode) {
            super(message);
            this.exitCode = exitCode;
        }
    }

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
        return log(dir, i);
    }

    static Path log(Path dir, int i) {
        return dir.resolve("node-" + i + ".log");
    }

    static Path config(Path dir, int i) {
        return dir.resolve("node-" + i + ".yaml");
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
            Path config = config(dir, i);
            Files.writeString(config, """
                    # Written by `raftkv local`; restart this node with: raftkv local restart %d --dir %s
                    # (or run it alone with: raftkv node --config %s)
                    cluster-name: %s
                    node-id: %d
                    listen: %s
                    http: %s
                    data-dir: %s
                    initial-cluster-state: new
                    log-level: %s
                    peers:
                    %s
                    """.formatted(i, dir, config, CLUSTER_NAME, i, grpc(i), http(i),
                    LocalDirectory.dataDir(dir, i).toAbsolutePath(), logLevel, peers));
        }
    }

    /** Starts node i's process (its log is appended to); it stops when this process ends. */
    Process start(int i) throws IOException {
        Process p = startNode(config(dir, i), log(i), javaOptions, ProcessHandle.current().pid());
        processes[i] = p;
        return p;
    }

    /**
     * Starts a node process of this jar with {@code config}, output appended to {@code log}, that stops when the
     * launcher {@code launcherPid} ends.
     */
    static Process startNode(Path config, Path log, List<String> javaOptions, long launcherPid) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(javaOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), RaftKvCli.class.getName(), "node",
                "--config", config.toString(), "--launcher-pid", Long.toString(launcherPid)));
        return remember(new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start());
    }

    /**
     * Waits until node i is ready; returns false on timeout, if the process exited, or if something else answers
     * on its port (see {@link #awaitVerifiedReady}).
     */
    boolean awaitReady(int i, Duration timeout) throws InterruptedException {
        try {
            awaitVerifiedReady(processes[i].toHandle(), i, http(i), log(i), timeout);
            return true;
        } catch (NotReadyException e) {
            return false;
        }
    }

    /**
     * Waits until the node {@code process} (node {@code nodeId} of the local cluster) answers /readyz on
     * {@code httpAddress} with 200 and with its own node ID, PID and cluster name: readiness of this very process,
     * not of whatever holds the port.
     *
     * @throws NotReadyException with one line saying why not: the process exited (with the last line of its
     *         log, where a node writes why it could not start), something else answers, or the timeout passed
     */
    static NodeReadiness awaitVerifiedReady(ProcessHandle process, long nodeId, String httpAddress, Path log,
                                            Duration timeout) throws InterruptedException, NotReadyException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw exited(process, nodeId, log);
            }
            Optional<NodeReadiness.Answer> answer = NodeReadiness.ask(httpAddress);
            if (answer.isPresent()) {
                NodeReadiness node = answer.get().node();
                boolean ours = node != null && node.pid() == process.pid() && node.nodeId() == nodeId
                        && node.cluster().equals(CLUSTER_NAME);
                if (!ours) {
                    if (!process.isAlive()) {
                        throw exited(process, nodeId, log); // it found the port taken and said so
                    }
                    throw new NotReadyException("node " + nodeId + " (pid " + process.pid() + "): "
                            + answer.get().who() + " answers on its HTTP port " + httpAddress + " instead", ExitCodes.CONFIG);
                }
                if (node.ready()) {
                    return node;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new NotReadyException("node " + nodeId + " (pid " + process.pid() + ") did not become ready within "
                        + timeout.toSeconds() + " s; see " + log, ExitCodes.UNAVAILABLE);
            }
            Thread.sleep(50); // polling another process's port: there is nothing to block on instead
        }
    }

    private static NotReadyException exited(ProcessHandle process, long nodeId, Path log) throws InterruptedException {
        int status = processExit(process).orElse(-1);
        String reason = lastErrorLine(log);
        return new NotReadyException("node " + nodeId + " (pid " + process.pid() + ") exited"
                + (status >= 0 ? " with status " + status : "") + " before it was ready"
                + (reason.isEmpty() ? "" : ": " + reason) + "; see " + log,
                status == ExitCodes.CONFIG ? ExitCodes.CONFIG : ExitCodes.UNAVAILABLE);
    }

    /** The exit status of a child process (the only kind whose status the JDK can know). */
    private static java.util.OptionalInt processExit(ProcessHandle handle) throws InterruptedException {
        for (Process p : CHILDREN) {
            if (p != null && p.pid() == handle.pid()) {
                p.waitFor(1, TimeUnit.SECONDS);
                return p.isAlive() ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(p.exitValue());
            }
        }
        return java.util.OptionalInt.empty();
    }

    /** Children started by this process (its own nodes, or a restarted one), to read their exit status. */
    private static final Set<Process> CHILDREN = java.util.Collections.synchronizedSet(new LinkedHashSet<>());

    private static Process remember(Process p) {
        CHILDREN.add(p);
        return p;
    }

    /** The last line of a node's log that reads as its reason to stop ("error: ..."), or "". */
    static String lastErrorLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            for (int i = lines.size() - 1; i >= Math.max(0, lines.size() - 50); i--) {
                String line = lines.get(i);
                if (line.startsWith("error: ") || line.startsWith("invalid configuration")) {
                    return line.startsWith("error: ") ? line.substring("error: ".length()) : line;
                }
            }
        } catch (IOException | RuntimeException e) {
            return "";
        }
        return "";
    }

    /** The live process running node i: this launcher's child, else whoever the data directory's lock names. */
    Optional<ProcessHandle> running(int i) {
        if (processes[i] != null && processes[i].isAlive()) {
            return Optional.of(processes[i].toHandle());
        }
        OptionalLong pid = DataDirLock.recordedPid(LocalDirectory.dataDir(dir, i));
        return pid.isPresent() ? ProcessHandle.of(pid.getAsLong()).filter(ProcessHandle::isAlive) : Optional.empty();
    }

    /**
     * Prints a line whenever a node exits or comes back (restarted with {@code raftkv local restart} or by hand),
     * checking twice a second from one daemon thread, until {@link #close}.
     */
    synchronized void watch(PrintWriter out, String restartHint) {
        long[] known = new long[nodes + 1];
        for (int i = 1; i <= nodes; i++) {
            known[i] = running(i).map(ProcessHandle::pid).orElse(0L);
        }
        watcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "local-cluster-watch");
            t.setDaemon(true);
            return t;
        });
        watcher.scheduleWithFixedDelay(() -> {
            for (int i = 1; i <= nodes; i++) {
                long now = running(i).map(ProcessHandle::pid).orElse(0L);
                if (now == known[i]) {
                    continue;
                }
                if (known[i] != 0) {
                    String status = "";
                    Process child = processes[i];
                    if (child != null && child.pid() == known[i] && !child.isAlive()) {
                        status = " with status " + child.exitValue();
                    }
                    out.println("node " + i + " (pid " + known[i] + ") exited" + status + "; restart it with: "
                            + restartHint.formatted(i));
                }
                if (now != 0) {
                    out.println("node " + i + " is running again (pid " + now + ")");
                }
                out.flush();
                known[i] = now;
            }
        }, 500, 500, TimeUnit.MILLISECONDS);
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

    /**
     * Stops every node of the cluster gracefully (SIGTERM, SIGKILL after 15 s): this launcher's children and
     * whatever process holds a node's data directory, such as a node restarted by hand.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (watcher != null) {
                watcher.shutdownNow();
            }
        }
        List<ProcessHandle> stopping = new ArrayList<>();
        for (int i = 1; i <= nodes; i++) {
            if (processes[i] != null && processes[i].isAlive()) {
                stopping.add(processes[i].toHandle());
            }
            try {
                OptionalLong holder = DataDirLock.holder(LocalDirectory.dataDir(dir, i));
                if (holder.isPresent() && stopping.stream().noneMatch(h -> h.pid() == holder.getAsLong())) {
                    ProcessHandle.of(holder.getAsLong()).ifPresent(stopping::add);
                }
            } catch (IOException e) {
                // the directory is unreadable: nothing we could stop through it
            }
        }
        stopAll(stopping, STOP_WAIT);
    }

    /** SIGTERM to each, then waits; SIGKILL to any still running after {@code wait}. */
    static void stopAll(List<ProcessHandle> processes, Duration wait) {
        processes.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + wait.toNanos();
        for (ProcessHandle p : processes) {
            try {
                p.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                p.destroyForcibly();
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
