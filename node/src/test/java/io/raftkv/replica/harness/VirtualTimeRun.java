package io.raftkv.replica.harness;

import io.raftkv.replica.Outbound;
import io.raftkv.replica.ReplicaEngine;
import io.raftkv.replica.ReplicaIds;
import io.raftkv.replica.ReplicaSettings;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;

/**
 * Runs a scenario in virtual time: the replicas are {@link ReplicaEngine}s in this process, the network is the
 * {@link CourseSimulator}, and time jumps from one event to the next, so a 30-second scenario takes well under a
 * second and replays exactly from its seed.
 *
 * <p>Latency model (a local UNIX socket and a simulator that routes every message itself): each hop between a
 * replica and the simulator takes {@link #HOP_NANOS}, so a message between replicas takes two hops and a client
 * request one; a replica spends {@link #PROCESS_NANOS} on each packet it receives, one packet at a time, and
 * its answers leave when it is done. A replica's clock starts at launch (time 0), and it connects
 * {@link #CONNECT_MIN_NANOS} plus up to {@link #CONNECT_JITTER_NANOS} later (the {@code kvstore} launcher
 * connects before the JVM starts); a message routed to it before that kills it, as in the real simulator.
 */
public final class VirtualTimeRun {
    public static final long HOP_NANOS = 50_000;
    public static final long PROCESS_NANOS = 20_000;
    public static final long CONNECT_MIN_NANOS = 10_000_000;
    public static final long CONNECT_JITTER_NANOS = 50_000_000;

    private enum Kind { LAUNCH, CONNECT, TO_REPLICA, TO_SIM, WAKE, SIM_DUE }

    private record Ev(long at, long seq, Kind kind, String rid, byte[] packet, long gen) implements Comparable<Ev> {
        @Override
        public int compareTo(Ev o) {
            return at != o.at ? Long.compare(at, o.at) : Long.compare(seq, o.seq);
        }
    }

    private final CourseSimulator sim;
    private final ReplicaSettings settings;
    private final long seed;
    private final PriorityQueue<Ev> queue = new PriorityQueue<>();
    private final Map<String, ReplicaEngine> engines = new HashMap<>();
    private final Map<String, Long> busyUntil = new HashMap<>();
    private final Map<String, Long> wakeGen = new HashMap<>();
    private final Set<String> dead = new HashSet<>();
    private long seq;
    private long simDueScheduled = Long.MIN_VALUE;
    private final boolean trace = Boolean.getBoolean("cs3700.trace");
    private final Map<String, String> lastState = new HashMap<>();

    public VirtualTimeRun(ScenarioSpec spec, ReplicaSettings settings, long seed) {
        this.sim = new CourseSimulator(spec, new Random(seed));
        this.settings = settings;
        this.seed = seed;
    }

    public static RunStats run(ScenarioSpec spec, ReplicaSettings settings, long seed) {
        return new VirtualTimeRun(spec, settings, seed).run();
    }

    public RunStats run() {
        Random launch = new Random(seed * 31 + 7);
        for (String rid : sim.replicaIds()) {
            ReplicaIds ids = new ReplicaIds(rid, sim.othersOf(rid));
            engines.put(rid, new ReplicaEngine(ids, settings, launch.nextLong()));
            push(0, Kind.LAUNCH, rid, null, 0);
            push(CONNECT_MIN_NANOS + (long) (launch.nextDouble() * CONNECT_JITTER_NANOS), Kind.CONNECT, rid, null, 0);
        }
        scheduleSimDue();
        long end = sim.endNanos();
        while (!queue.isEmpty()) {
            Ev ev = queue.poll();
            if (ev.at() >= end || !sim.running(ev.at())) {
                break;
            }
            switch (ev.kind()) {
                case CONNECT -> {
                    sim.connected(ev.rid());
                    busyUntil.put(ev.rid(), ev.at());
                    emit(ev.rid(), engines.get(ev.rid()).tick(ev.at()), ev.at());
                    scheduleWake(ev.rid());
                }
                case LAUNCH -> engines.get(ev.rid()).tick(ev.at()); // its clock starts; quiet until it connects
                case TO_REPLICA -> {
                    if (dead.contains(ev.rid())) {
                        break;
                    }
                    long start = Math.max(ev.at(), busyUntil.get(ev.rid()));
                    long done = start + PROCESS_NANOS;
                    busyUntil.put(ev.rid(), done);
                    emit(ev.rid(), engines.get(ev.rid()).receive(ev.packet(), start), done);
                    scheduleWake(ev.rid());
                }
                case WAKE -> {
                    if (dead.contains(ev.rid()) || ev.gen() != wakeGen.get(ev.rid())) {
                        break;
                    }
                    long start = Math.max(ev.at(), busyUntil.get(ev.rid()));
                    emit(ev.rid(), engines.get(ev.rid()).tick(start), start);
                    scheduleWake(ev.rid());
                }
                case TO_SIM -> act(sim.onPacket(ev.packet(), ev.at()), ev.at());
                case SIM_DUE -> {
                    act(sim.advanceTo(ev.at()), ev.at());
                    scheduleSimDue();
                }
            }
        }
        return sim.finish();
    }

    private void traceState(String rid, long at) {
        if (!trace) {
            return;
        }
        ReplicaEngine e = engines.get(rid);
        String state = e.role() + " leader=" + e.leaderName();
        if (!state.equals(lastState.put(rid, state))) {
            System.out.printf("%9.4f %s %s%n", at / 1e9, rid, state);
        }
    }

    private void emit(String rid, List<Outbound> out, long at) {
        traceState(rid, at);
        for (Outbound o : out) {
            push(at + HOP_NANOS, Kind.TO_SIM, rid, o.packet(), 0);
        }
    }

    private void act(List<CourseSimulator.Action> actions, long at) {
        for (CourseSimulator.Action a : actions) {
            if (a instanceof CourseSimulator.Deliver d) {
                push(at + HOP_NANOS, Kind.TO_REPLICA, d.replica(), d.packet(), 0);
            } else if (a instanceof CourseSimulator.Kill k) {
                dead.add(k.replica());
            }
        }
        scheduleSimDue();
    }

    private void scheduleWake(String rid) {
        long gen = wakeGen.merge(rid, 1L, Long::sum);
        long at = engines.get(rid).nextDeadlineNanos();
        // A replica wakes up no sooner than a microsecond after it last worked: an engine that keeps asking to
        // be woken "now" cannot stall virtual time.
        push(Math.max(at, busyUntil.get(rid) + 1_000), Kind.WAKE, rid, null, gen);
    }

    private void scheduleSimDue() {
        long due = sim.nextDueNanos();
        if (due != Long.MAX_VALUE && due != simDueScheduled) {
            simDueScheduled = due;
            push(due, Kind.SIM_DUE, null, null, 0);
        }
    }

    private void push(long at, Kind kind, String rid, byte[] packet, long gen) {
        queue.add(new Ev(at, seq++, kind, rid, packet, gen));
    }
}
