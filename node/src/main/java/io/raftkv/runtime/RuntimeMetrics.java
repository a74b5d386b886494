package io.raftkv.runtime;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.raftkv.raft.Role;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/** The runtime's meters (Prometheus names in brackets are what /metrics shows). */
public final class RuntimeMetrics {
    private final MeterRegistry registry;
    private final AtomicLong role = new AtomicLong();
    private final AtomicLong term = new AtomicLong();
    private final AtomicLong commit = new AtomicLong();
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong leader = new AtomicLong();
    private final Counter elections;
    private final Counter leaderChanges;
    private final Timer fsync;
    private final Timer snapshots;
    private final Counter snapshotsInstalled;

    public RuntimeMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("raftkv_role", role, AtomicLong::get)
                .description("0 follower, 1 pre-candidate, 2 candidate, 3 leader").register(registry);
        Gauge.builder("raftkv_term", term, AtomicLong::get).description("current Raft term").register(registry);
        Gauge.builder("raftkv_leader_id", leader, AtomicLong::get).description("0 when unknown").register(registry);
        Gauge.builder("raftkv_commit_index", commit, AtomicLong::get)
                .description("highest log index known committed").register(registry);
        Gauge.builder("raftkv_applied_index", applied, AtomicLong::get)
                .description("highest log index applied to the state machine").register(registry);
        Gauge.builder("raftkv_apply_lag_entries", this, m -> Math.max(0, m.commit.get() - m.applied.get()))
                .description("committed entries not yet applied").register(registry);
        elections = Counter.builder("raftkv_elections_started").description("campaigns started by this node")
                .register(registry);
        leaderChanges = Counter.builder("raftkv_leader_changes")
                .description("times the leader this node knows changed (including to unknown)").register(registry);
        fsync = Timer.builder("raftkv_fsync_seconds").description("duration of one storage sync (group commit)")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(10_000))
                .maximumExpectedValue(Duration.ofSeconds(5)).register(registry);
        snapshots = Timer.builder("raftkv_snapshot_save_seconds").description("duration of taking and saving one snapshot")
                .register(registry);
        snapshotsInstalled = Counter.builder("raftkv_snapshots_installed")
                .description("snapshots received from the leader").register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    void observe(Role r, long t, long l, long c) {
        long code = r.ordinal();
        if (r == Role.CANDIDATE && role.get() != code) {
            elections.increment();
        }
        role.set(code);
        term.set(t);
        if (leader.getAndSet(l) != l) {
            leaderChanges.increment();
        }
        commit.set(c);
    }

    void applied(long index) {
        applied.set(index);
    }

    void synced(long nanos) {
        fsync.record(nanos, TimeUnit.NANOSECONDS);
    }

    void snapshotTaken(long nanos) {
        snapshots.record(nanos, TimeUnit.NANOSECONDS);
    }

    void snapshotInstalled() {
        snapshotsInstalled.increment();
    }

    /** Counts proposals by outcome. */
    void proposal(String result) {
        Counter.builder("raftkv_proposals").tag("result", result)
                .description("proposals this node made as leader, by outcome").register(registry).increment();
    }

    /** A gauge without HELP of its own: {@link io.raftkv.metrics.MetricHelp} must know its name. */
    void gauge(String name, Supplier<Number> value) {
        Gauge.builder(name, value).register(registry);
    }
}
