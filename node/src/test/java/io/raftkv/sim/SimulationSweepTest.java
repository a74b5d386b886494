package io.raftkv.sim;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seed sweep: thousands of independent random runs (cluster size, configuration, faults and workload all
 * drawn from the seed), each checked after every step. {@code -Dsim.seeds} and {@code -Dsim.steps} size it (the
 * node pom passes 2000 x 5000 by default; raise them for a soak); {@code -Dsim.seed=N} replays one seed, which
 * is what a failure tells you to run. {@code -Dsim.baseSeed} picks a different family of seeds (the default is
 * fixed, so CI is reproducible). Runs execute on {@code -Dsim.threads} threads (default 2); each run is
 * single-threaded and fully deterministic.
 */
class SimulationSweepTest {

    static final long DEFAULT_STEPS = 5000;
    private static final long DEFAULT_BASE_SEED = 0x5EEDL;

    @Test
    @Timeout(value = 60, unit = TimeUnit.MINUTES) // only guards against a hang in the core; a sweep takes minutes
    void randomRunsKeepEveryInvariant() throws Exception {
        long steps = Long.getLong("sim.steps", DEFAULT_STEPS);
        String single = System.getProperty("sim.seed");
        if (single != null && !single.isBlank()) {
            SimulationRun.Result r = SimulationRun.run(Long.parseLong(single.trim()), steps);
            System.out.println("seed " + r.seed() + ": " + r.steps() + " steps, " + r.stats());
            assertThat(r.failure()).as("run of seed %d", r.seed()).isNull();
            return;
        }
        int seeds = Integer.getInteger("sim.seeds", 2000);
        long base = Long.getLong("sim.baseSeed", DEFAULT_BASE_SEED);
        int threads = Integer.getInteger("sim.threads", 2);
        List<SimulationRun.Result> results = sweep(base, seeds, steps, threads, null);

        for (SimulationRun.Result r : results) {
            System.out.println("seed " + r.seed() + (r.ok() ? " ok" : " FAILED " + r.violated()) + " steps "
                    + r.steps() + " time " + r.virtualTime() + " [" + r.shape() + "] " + r.stats()
                    + (r.ok() ? "" : " :: " + r.failure().lines().findFirst().orElse("")));
        }
        List<SimulationRun.Result> failures = results.stream().filter(r -> !r.ok()).toList();
        SimulationRun.Stats total = results.stream().map(SimulationRun.Result::stats)
                .reduce(SimulationRun.Stats.ZERO, SimulationRun.Stats::plus);
        long totalSteps = results.stream().mapToLong(SimulationRun.Result::steps).sum();
        System.out.println(seeds + " runs, " + totalSteps + " steps, " + failures.size() + " failed; " + total);

        StringBuilder report = new StringBuilder();
        for (SimulationRun.Result f : failures.subList(0, Math.min(5, failures.size()))) {
            report.append(f.failure()).append('\n');
        }
        if (failures.size() > 5) {
            report.append("... and ").append(failures.size() - 5).append(" more failing seeds: ")
                    .append(failures.stream().skip(5).map(r -> Long.toString(r.seed())).limit(50).toList());
        }
        assertThat(failures).as("%d of %d seeds failed:\n%s", failures.size(), seeds, report).isEmpty();

        // The sweep must actually exercise what it claims to check (a sweep that never elects, commits, reads,
        // crashes or installs a snapshot would pass vacuously).
        if (seeds >= 200) {
            assertThat(total.leaderTerms()).as("terms with a leader").isGreaterThan(seeds);
            assertThat(total.acks()).as("acknowledged writes").isGreaterThan(seeds);
            assertThat(total.readsOk()).as("linearizable reads served").isGreaterThan(seeds);
            assertThat(total.snapshotsInstalled()).as("snapshots installed from a leader").isPositive();
            assertThat(total.crashes()).as("crashes").isPositive();
            assertThat(total.partitions()).as("partitions").isPositive();
            assertThat(total.pauses()).as("pauses").isPositive();
            assertThat(total.finalMembers()).as("largest final membership").isGreaterThan(5);
        }
    }

    /**
     * Runs {@code count} seeds derived from {@code base} on {@code threads} threads; results in seed order.
     * {@code bug}, if not null, makes a fresh bug-injecting tamperer for each run.
     */
    static List<SimulationRun.Result> sweep(long base, int count, long steps, int threads,
                                             Supplier<SimNetwork.Tamperer> bug)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<SimulationRun.Result>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                long seed = HashChain.mix(base + i);
                futures.add(pool.submit(
                        () -> SimulationRun.run(seed, steps, bug == null ? null : bug.get())));
            }
            List<SimulationRun.Result> results = new ArrayList<>();
            for (Future<SimulationRun.Result> f : futures) {
                results.add(f.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
