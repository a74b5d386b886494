package io.raftkv.replica.harness;

import org.newsclub.net.unix.AFDatagramChannel;
import org.newsclub.net.unix.AFDatagramSocket;
import org.newsclub.net.unix.AFSocketType;
import org.newsclub.net.unix.AFUNIXDatagramSocket;
import org.newsclub.net.unix.AFUNIXSelectorProvider;
import org.newsclub.net.unix.AFUNIXSocketAddress;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * Plays the course simulator for real processes: it listens on one SOCK_SEQPACKET socket per replica in a fresh
 * working directory, launches the replica program there as {@code <program> <my ID> <other IDs...>}, and, like
 * the original, routes every packet through the {@link CourseSimulator} on one thread that waits with a
 * selector and reads the wall clock. It kills replicas with SIGKILL when an event says so, and all of them at
 * the end. Each replica's output goes to {@code <ID>.log} in the working directory.
 */
public final class ProcessRun {
    private record Accepted(String rid, AFDatagramChannel<AFUNIXSocketAddress> channel) {
    }

    private final CourseSimulator sim;
    private final Path program;
    private final Path workDir;
    private final Selector selector;
    private final ConcurrentLinkedQueue<Accepted> accepted = new ConcurrentLinkedQueue<>();
    private final Map<String, AFUNIXDatagramSocket> listeners = new HashMap<>();
    private final Map<String, AFDatagramChannel<AFUNIXSocketAddress>> connections = new HashMap<>();
    private final Map<String, Process> processes = new HashMap<>();
    private final Map<String, Long> connectNanos = new HashMap<>();
    private final ByteBuffer buffer = ByteBuffer.allocate(65536);
    private long start;

    public ProcessRun(ScenarioSpec spec, Path program, Path workDir, long seed) throws IOException {
        this.sim = new CourseSimulator(spec, new Random(seed));
        this.program = program;
        this.workDir = workDir;
        this.selector = AFUNIXSelectorProvider.provider().openSelector();
    }

    /** Launch-to-connect time of each replica, in milliseconds. */
    public Map<String, Double> connectMillis() {
        Map<String, Double> ms = new HashMap<>();
        connectNanos.forEach((rid, n) -> ms.put(rid, Math.round(n / 1e5) / 10.0));
        return ms;
    }

    public RunStats run() throws IOException {
        try {
            for (String rid : sim.replicaIds()) {
                listen(rid);
            }
            start = System.nanoTime();
            for (String rid : sim.replicaIds()) {
                List<String> cmd = new ArrayList<>();
                cmd.add(program.toString());
                cmd.add(rid);
                cmd.addAll(sim.othersOf(rid));
                processes.put(rid, new ProcessBuilder(cmd).directory(workDir.toFile())
                        .redirectErrorStream(true).redirectOutput(workDir.resolve(rid + ".log").toFile()).start());
            }
            loop();
            return sim.finish();
        } finally {
            shutdown();
        }
    }

    private long now() {
        return System.nanoTime() - start;
    }

    private void loop() throws IOException {
        while (sim.running(now())) {
            long wait = Math.min(Math.min(sim.nextDueNanos(), sim.endNanos()) - now(), 100_000_000L);
            if (wait > 0) {
                selector.select(Math.max(1, wait / 1_000_000));
            } else {
                selector.selectNow();
            }
            for (Accepted a; (a = accepted.poll()) != null; ) {
                connectNanos.put(a.rid(), now());
                a.channel().configureBlocking(false);
                a.channel().register(selector, SelectionKey.OP_READ, a.rid());
                connections.put(a.rid(), a.channel());
                sim.connected(a.rid());
            }
            for (SelectionKey key : selector.selectedKeys()) {
                readAll((String) key.attachment(), key);
            }
            selector.selectedKeys().clear();
            act(sim.advanceTo(now()));
        }
    }

    @SuppressWarnings("unchecked")
    private void readAll(String rid, SelectionKey key) throws IOException {
        AFDatagramChannel<AFUNIXSocketAddress> ch = (AFDatagramChannel<AFUNIXSocketAddress>) key.channel();
        while (key.isValid()) {
            buffer.clear();
            int n;
            try {
                n = ch.read(buffer);
            } catch (IOException e) {
                n = -1;
            }
            if (n < 0) {
                key.cancel();
                sim.replicaQuit(rid);
                return;
            }
            if (n == 0) {
                return;
            }
            act(sim.onPacket(Arrays.copyOf(buffer.array(), n), now()));
        }
    }

    private void act(List<CourseSimulator.Action> actions) {
        for (CourseSimulator.Action a : actions) {
            if (a instanceof CourseSimulator.Deliver d) {
                AFDatagramChannel<AFUNIXSocketAddress> c = connections.get(d.replica());
                if (c == null) {
                    continue; // killed a moment ago
                }
                try {
                    c.write(ByteBuffer.wrap(d.packet()));
                } catch (IOException e) {
                    sim.replicaQuit(d.replica());
                }
            } else if (a instanceof CourseSimulator.Kill k) {
                kill(k.replica());
            }
        }
    }

    private void listen(String rid) throws IOException {
        Path path = workDir.resolve(rid);
        Files.deleteIfExists(path);
        AFUNIXDatagramSocket listener = AFUNIXDatagramSocket.newInstance(AFSocketType.SOCK_SEQPACKET);
        listener.bind(AFUNIXSocketAddress.of(path));
        listener.listen(1);
        listeners.put(rid, listener);
        Thread t = new Thread(() -> {
            try {
                AFDatagramSocket<AFUNIXSocketAddress> c = listener.accept();
                accepted.add(new Accepted(rid, c.getChannel()));
                selector.wakeup();
            } catch (IOException e) {
                // closed at shutdown before the replica connected
            }
        }, "accept-" + rid);
        t.setDaemon(true);
        t.start();
    }

    private void kill(String rid) {
        Process p = processes.get(rid);
        if (p != null) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        AFDatagramChannel<AFUNIXSocketAddress> c = connections.remove(rid);
        if (c != null) {
            try {
                c.close();
            } catch (IOException e) {
                // already gone
            }
        }
    }

    private void shutdown() throws IOException {
        for (String rid : sim.replicaIds()) {
            kill(rid);
        }
        for (Process p : processes.values()) {
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (AFUNIXDatagramSocket l : listeners.values()) {
            l.close();
        }
        selector.close();
    }

    /** A fresh working directory for one run. */
    public static Path newWorkDir(String scenario) {
        try {
            return Files.createTempDirectory("cs3700-" + scenario + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
