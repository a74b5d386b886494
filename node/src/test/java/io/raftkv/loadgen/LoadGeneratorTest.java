package io.raftkv.loadgen;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The generator's accounting, against in-process targets: counts, error kinds, percentiles, rate limit. */
class LoadGeneratorTest {

    private static BenchOptions.Builder options() {
        return BenchOptions.builder().target("mem://").keySpace(100).totalOps(500).clients(4).connections(2);
    }

    private static void assertMonotone(LatencySummary l) {
        assertThat(l.min()).isGreaterThan(0);
        assertThat(List.of(l.min(), l.p50(), l.p90(), l.p99(), l.p999(), l.max())).isSorted();
        assertThat(l.mean()).isBetween(l.min(), l.max());
    }

    @Test
    void countBoundRunMeasuresExactlyTheRequestedOperations() {
        InMemoryTarget target = new InMemoryTarget(2);
        BenchReport r = LoadGenerator.run(options().build(), target, ProgressListener.NONE);

        assertThat(r.operations()).isEqualTo(500);
        assertThat(r.latency()).containsOnlyKeys("put");
        assertThat(r.latency().get("put").count()).isEqualTo(500);
        assertMonotone(r.latency().get("put"));
        assertThat(r.errors()).isEmpty();
        assertThat(r.throughput()).isEqualTo(r.operations() / r.seconds());
        assertThat(target.size()).isBetween(1, 100);
    }

    @Test
    void failuresAreCountedByKindAndKeptOutOfLatencies() {
        // Calls are numbered 1, 2, 3, … across all clients: multiples of 3 fail with a target error, other
        // multiples of 7 with an unexpected exception. Of 210 calls: 70 UNAVAILABLE, 20 IllegalStateException.
        AtomicLong calls = new AtomicLong();
        TargetConnection flaky = new TargetConnection() {
            @Override
            public void put(byte[] key, byte[] value) throws TargetException {
                long n = calls.incrementAndGet();
                if (n % 3 == 0) {
                    throw new TargetException("UNAVAILABLE", "no leader", null);
                }
                if (n % 7 == 0) {
                    throw new IllegalStateException("bug in the target");
                }
            }

            @Override
            public boolean get(byte[] key, ReadConsistency consistency) {
                throw new UnsupportedOperationException();
            }

            @Override
            public CasResult compareAndSwap(byte[] key, long expectedVersion, byte[] newValue) {
                throw new UnsupportedOperationException();
            }
        };
        BenchReport r = LoadGenerator.run(options().totalOps(210).build(), new FixedTarget(flaky, 2),
                ProgressListener.NONE);

        assertThat(calls.get()).isEqualTo(210);
        assertThat(r.errors()).isEqualTo(Map.of("UNAVAILABLE", 70L, "IllegalStateException", 20L));
        assertThat(r.errorCount()).isEqualTo(90);
        assertThat(r.operations()).isEqualTo(120);
        assertThat(r.latency().get("put").count()).isEqualTo(120);
    }

    @Test
    void mixedRunSplitsReadsAndWritesAtTheReadRatio() {
        BenchReport r = LoadGenerator.run(options().workload(Workload.MIXED).readRatio(0.9).totalOps(4000).build(),
                new InMemoryTarget(2), ProgressListener.NONE);

        long gets = r.latency().get("get").count();
        long puts = r.latency().get("put").count();
        assertThat(gets + puts).isEqualTo(4000).isEqualTo(r.latency().get("all").count());
        // 4000 draws at p = 0.9: the standard deviation of the read fraction is 0.005, so ±0.04 is 8 sigma.
        assertThat(gets / 4000.0).isBetween(0.86, 0.94);
        assertMonotone(r.latency().get("all"));
        Histogram all = Histograms.decode(r.histograms().get("all"));
        assertThat(all.getTotalCount()).isEqualTo(4000);
    }

    @Test
    void prefillWritesEveryKeyOnceAndIsNotMeasured() {
        InMemoryTarget target = new InMemoryTarget(2);
        BenchOptions o = options().workload(Workload.GET).keySpace(300).totalOps(200).prefill(true).build();
        BenchReport r = LoadGenerator.run(o, target, ProgressListener.NONE);

        assertThat(target.size()).isEqualTo(300);
        KeySpace keys = new KeySpace(o.keySize(), o.keySpace());
        for (long i = 0; i < 300; i++) {
            assertThat(target.version(keys.key(i))).as("version of key %d", i).isEqualTo(1);
        }
        assertThat(r.latency()).containsOnlyKeys("get");
        assertThat(r.operations()).isEqualTo(200);
    }

    @Test
    void everyCasEitherWritesOrConflicts() {
        InMemoryTarget target = new InMemoryTarget(4);
        BenchOptions o = options().workload(Workload.CAS).keySpace(5).clients(8).connections(4).totalOps(3000)
                .prefill(true).build();
        BenchReport r = LoadGenerator.run(o, target, ProgressListener.NONE);

        KeySpace keys = new KeySpace(o.keySize(), o.keySpace());
        long versions = 0;
        for (long i = 0; i < 5; i++) {
            versions += target.version(keys.key(i));
        }
        // The prefill gave each key version 1; each successful CAS added exactly one.
        assertThat(r.operations()).isEqualTo(3000);
        assertThat(versions).isEqualTo(5 + 3000 - r.casConflicts());
        assertThat(r.errors()).isEmpty();
    }

    @Test
    void aSingleCasClientNeverConflictsWithItself() {
        InMemoryTarget target = new InMemoryTarget(1);
        BenchOptions o = options().workload(Workload.CAS).keySpace(10).clients(1).connections(1).totalOps(1000)
                .build();
        BenchReport r = LoadGenerator.run(o, target, ProgressListener.NONE);

        assertThat(r.casConflicts()).isZero();
        assertThat(r.latency().get("cas").count()).isEqualTo(1000);
    }

    @Test
    void rateLimitCapsTheOperationCountAndWarmupIsNotCounted() {
        AtomicLong calls = new AtomicLong();
        InMemoryTarget map = new InMemoryTarget(2);
        TargetConnection counting = new TargetConnection() {
            @Override
            public void put(byte[] key, byte[] value) {
                calls.incrementAndGet();
                map.put(key, value);
            }

            @Override
            public boolean get(byte[] key, ReadConsistency consistency) {
                throw new UnsupportedOperationException();
            }

            @Override
            public CasResult compareAndSwap(byte[] key, long expectedVersion, byte[] newValue) {
                throw new UnsupportedOperationException();
            }
        };
        BenchOptions o = options().totalOps(0).duration(Duration.ofMillis(1000)).warmup(Duration.ofMillis(300))
                .rateLimit(200).build();
        BenchReport r = LoadGenerator.run(o, new FixedTarget(counting, 2), ProgressListener.NONE);

        // Operation k of a phase is due at start + k/200 s and runs only if due before the deadline: at most
        // 200 in the measured second and 60 in the warm-up, however fast the clients are.
        assertThat(r.operations()).isBetween(1L, 200L);
        assertThat(calls.get()).isGreaterThan(r.operations()).isLessThanOrEqualTo(260);
    }

    @Test
    void progressIsReportedForEveryPhase() {
        List<String> done = new java.util.concurrent.CopyOnWriteArrayList<>();
        ProgressListener listener = new ProgressListener() {
            @Override
            public void progress(ProgressSample sample) {
            }

            @Override
            public void phaseDone(ProgressSample last) {
                done.add(last.phase() + ":" + last.operations());
            }
        };
        LoadGenerator.run(options().workload(Workload.GET).prefill(true).warmup(Duration.ofMillis(50)).build(),
                new InMemoryTarget(2), listener);

        assertThat(done).hasSize(3);
        assertThat(done.get(0)).isEqualTo("prefill:100");
        assertThat(done.get(1)).startsWith("warm-up:");
        assertThat(done.get(2)).isEqualTo("measure:500");
    }

    /** A target whose every connection is the same object. */
    private record FixedTarget(TargetConnection connection, int connections) implements BenchTarget {
        @Override
        public String description() {
            return "fixed://";
        }

        @Override
        public TargetConnection connection(int index) {
            return connection;
        }

        @Override
        public void close() {
        }
    }
}
