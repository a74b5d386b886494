package io.raftkv.replica.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Plays the course simulator for real processes: it opens the simulator's sockets ({@link SimulatorTransport}),
 * launches the replica program in a fresh working directory as the simulator does, and, like the original,
 * routes every packet through the {@link CourseSimulator} on one thread that waits with a selector and reads
 * the wall clock. It kills replicas with SIGKILL when an event says so, and all of them at the end. Each
 * replica's output goes to {@code <ID>.log} in the working directory.
 */
public final class ProcessRun implements SimulatorTransport.Handler {
    private final CourseSimulator sim;
    private final Path program;
    private final Path workDir;
    private final SimulatorTransport transport;
    private final Map<String, Process> processes = new HashMap<>();
    private final Map<String, Long> connectNanos = new HashMap<>();
    private long start;

    /** {@code transport} is {@code seqpacket} (the original simulator) or {@code udp} (the newer one). */
    public ProcessRun(ScenarioSpec spec, Path program, Path workDir, long seed, String transport) throws IOException {
        this.sim = new CourseSimulator(spec, new Random(seed));
        this.program = program;
        this.workDir = workDir;
        this.transport = SimulatorTransport.create(transport, workDir);
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
                transport.expect(rid);
            }
            start = System.nanoTime();
            for (String rid : sim.replicaIds()) {
                List<String> cmd = new ArrayList<>();
                cmd.add(program.toString());
                cmd.addAll(transport.arguments(rid, sim.othersOf(rid)));
                processes.put(rid, new ProcessBuilder(cmd).directory(workDir.toFile())
                        .redirectErrorStream(true).redirectOutput(workDir.resolve(rid + ".log").toFile()).start());
            }
            while (sim.running(now())) {
                long wait = Math.min(Math.min(sim.nextDueNanos(), sim.endNanos()) - now(), 100_000_000L);
                transport.poll(wait, this);
                act(sim.advanceTo(now()));
            }
            return sim.finish();
        } finally {
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
            transport.close();
        }
    }

    @Override
    public void connected(String rid) {
        connectNanos.put(rid, now());
        sim.connected(rid);
    }

    @Override
    public void packet(String rid, byte[] packet) {
        act(sim.onPacket(packet, now()));
    }

    @Override
    public void closed(String rid) {
        sim.replicaQuit(rid);
    }

    private long now() {
        return System.nanoTime() - start;
    }

    private void act(List<CourseSimulator.Action> actions) {
        for (CourseSimulator.Action a : actions) {
            if (a instanceof CourseSimulator.Deliver d) {
                if (!transport.send(d.replica(), d.packet()) && sim.isLiving(d.replica())) {
                    sim.replicaQuit(d.replica());
                }
            } else if (a instanceof CourseSimulator.Kill k) {
                kill(k.replica());
            }
        }
    }

    private void kill(String rid) {
        Process p = processes.get(rid);
        if (p != null) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        transport.drop(rid);
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
