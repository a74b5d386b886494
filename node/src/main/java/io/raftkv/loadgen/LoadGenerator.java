package io.raftkv.loadgen;

import org.HdrHistogram.Histogram;

import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Runs a workload against a target and measures it: the entry point of {@code raftkv bench}, free of any CLI
 * library. A run has up to three phases, each with the run's clients (one thread each, sharing the target's
 * connections round robin): an optional prefill (every key written once, unmeasured), an optional warm-up (the
 * workload itself for a while, unmeasured) and the measured phase.
 */
public final class LoadGenerator {
    private static final long TICK_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final BenchOptions options;
    private final BenchTarget target;
    private final ProgressListener progress;
    private final KeySpace keys;
    private final byte[] value;
    private final AtomicBoolean aborted = new AtomicBoolean();

    private LoadGenerator(BenchOptions options, BenchTarget target, ProgressListener progress) {
        this.options = options;
        this.target = target;
        this.progress = progress;
        this.keys = new KeySpace(options.keySize(), options.keySpace());
        // One value for every write, as etcd's benchmark does: its content does not matter, its size does.
        this.value = new byte[options.valueSize()];
        new SplittableRandom(options.seed()).nextBytes(value);
    }

    /** Opens the target named in the options, runs, closes the target. */
    public static BenchReport run(BenchOptions options, ProgressListener progress) {
        try (BenchTarget target = BenchTargets.open(options.target(), options.connections())) {
            return run(options, target, progress);
        }
    }

    /** Runs against an open target (left open). */
    public static BenchReport run(BenchOptions options, BenchTarget target, ProgressListener progress) {
        if (target.connections() < 1) {
            throw new IllegalArgumentException("target " + target.description() + " has no connections");
        }
        return new LoadGenerator(options, target, progress).run();
    }

    private BenchReport run() {
        AtomicLongArray casVersions = options.workload() == Workload.CAS
                ? new AtomicLongArray((int) options.keySpace()) : null;
        if (options.prefill()) {
            PhaseRecorder prefill = runPhase("prefill", OpPlan.sequentialPuts(), options.keySpace(), 0, false,
                    casVersions).recorder();
            if (prefill.errorCount() > 0) {
                throw new IllegalStateException("prefill of " + options.keySpace() + " keys failed "
                        + prefill.errorCount() + " times: " + prefill.errorsByKind());
            }
            if (casVersions != null) {
                for (int i = 0; i < casVersions.length(); i++) {
                    casVersions.set(i, 1); // one put each: version 1 in etcd's and RaftKV's counting
                }
            }
        }
        OpPlan plan = OpPlan.of(options);
        if (!options.warmup().isZero()) {
            runPhase("warm-up", plan, 0, options.warmup().toNanos(), true, casVersions);
        }
        Instant startedAt = Instant.now();
        long cpuBefore = processCpuNanos();
        Phase measured = runPhase("measure", plan, options.totalOps(),
                options.countBound() ? 0 : options.duration().toNanos(), true, casVersions);
        long cpuAfter = processCpuNanos();
        return report(measured.recorder(), startedAt, measured.seconds(),
                cpuBefore < 0 || cpuAfter < 0 ? -1 : (cpuAfter - cpuBefore) / 1e9);
    }

    /** What a phase recorded, and how long it took from its start until its last client stopped. */
    private record Phase(PhaseRecorder recorder, double seconds) {
    }

    /**
     * Runs every client until the phase's budget is spent.
     *
     * @param count     operations in the phase, or 0 to run for {@code nanos}
     * @param paced     whether the run's rate limit applies (not to the prefill)
     */
    private Phase runPhase(String name, OpPlan plan, long count, long nanos, boolean paced,
                                   AtomicLongArray casVersions) {
        PhaseRecorder recorder = new PhaseRecorder();
        long start = System.nanoTime();
        Pacer pacer = new Pacer(paced ? options.rateLimit() : 0, start);
        OpBudget budget = count > 0 ? OpBudget.ofCount(count) : OpBudget.until(start + nanos);
        // Each client draws its keys from its own stream, split from the run's seed, so runs repeat.
        SplittableRandom seeds = new SplittableRandom(options.seed() ^ name.hashCode());
        List<Thread> clients = new ArrayList<>(options.clients());
        for (int i = 0; i < options.clients(); i++) {
            ClientLoop loop = new ClientLoop(target.connection(i % target.connections()), plan, keys, value,
                    options.consistency(), casVersions, seeds.split(), pacer, budget, recorder, aborted::get);
            Thread t = new Thread(loop, "bench-" + name + "-" + i);
            t.setDaemon(true);
            clients.add(t);
        }
        clients.forEach(Thread::start);
        long operations = 0;
        long lastTick = start;
        ProgressSample sample;
        long end;
        while (true) {
            boolean done = joinUntil(clients, lastTick + TICK_NANOS);
            long now = System.nanoTime();
            Histogram interval = recorder.drain();
            operations += interval.getTotalCount();
            double intervalSeconds = Math.max(1e-9, (now - lastTick) / 1e9);
            sample = new ProgressSample(name, (now - start) / 1e9, count > 0 ? 0 : nanos / 1e9, operations, count,
                    interval.getTotalCount() / intervalSeconds, interval.getValueAtPercentile(99) / 1e6,
                    recorder.errorCount());
            lastTick = now;
            if (done) {
                end = now;
                break;
            }
            progress.progress(sample);
        }
        // The last line sums up the whole phase rather than its final, partial second.
        Histogram phase = new Histogram(PhaseRecorder.SIGNIFICANT_DIGITS);
        phase.setAutoResize(true);
        for (OpKind kind : OpKind.values()) {
            phase.add(recorder.total(kind));
        }
        double seconds = Math.max(1e-9, (end - start) / 1e9);
        progress.phaseDone(new ProgressSample(name, seconds, sample.plannedSeconds(), operations, count,
                operations / seconds, phase.getValueAtPercentile(99) / 1e6, recorder.errorCount()));
        return new Phase(recorder, (end - start) / 1e9);
    }

    /** Waits for every thread until {@code deadlineNanos}; true if all have ended. */
    private boolean joinUntil(List<Thread> threads, long deadlineNanos) {
        try {
            for (Thread t : threads) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return threads.stream().noneMatch(Thread::isAlive);
                }
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                if (t.isAlive()) {
                    return false;
                }
            }
            return true;
        } catch (InterruptedException e) {
            // The caller gave up on the run: stop the clients (each finishes its operation in flight) and wait.
            aborted.set(true);
            for (Thread t : threads) {
                try {
                    t.join();
                } catch (InterruptedException again) {
                    break;
                }
            }
            Thread.currentThread().interrupt();
            throw new IllegalStateException("benchmark interrupted");
        }
    }

    /**
     * CPU time this process has used, or -1 where the JVM cannot tell. The generator shares the machine with
     * the servers it measures, so the report says how much CPU it took itself.
     */
    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    private BenchReport report(PhaseRecorder r, Instant startedAt, double seconds, double generatorCpuSeconds) {
        Map<String, Histogram> byKind = new LinkedHashMap<>();
        for (OpKind kind : OpKind.values()) {
            Histogram h = r.total(kind);
            if (h.getTotalCount() > 0) {
                byKind.put(kind.label(), h);
            }
        }
        KindLatencies latencies = KindLatencies.of(byKind);
        long operations = latencies.operations();
        Map<String, Object> environment = new LinkedHashMap<>();
        environment.put("cores", Runtime.getRuntime().availableProcessors());
        environment.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        environment.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
        environment.put("generatorCpuSeconds", generatorCpuSeconds);
        return new BenchReport(target.description(), options.describe(), environment, startedAt.toString(), seconds,
                operations, seconds > 0 ? operations / seconds : 0, latencies.summaries(), r.errorsByKind(),
                r.casConflicts(), latencies.histograms());
    }
}
