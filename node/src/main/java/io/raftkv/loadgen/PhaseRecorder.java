package io.raftkv.loadgen;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Collects what the clients of one phase observe: latencies per operation kind (HdrHistogram {@link Recorder}s,
 * which clients write to without locks), failures by kind, and CAS conflicts. A reader drains the recorders
 * once a second for the progress line and accumulates the totals; {@link #drain()} is called by that one
 * reader thread only.
 */
final class PhaseRecorder {
    /** Latencies are recorded in nanoseconds with 3 significant digits (0.1% resolution). */
    static final int SIGNIFICANT_DIGITS = 3;

    private final Map<OpKind, Recorder> recorders = new EnumMap<>(OpKind.class);
    private final Map<OpKind, Histogram> totals = new EnumMap<>(OpKind.class);
    private final Map<OpKind, Histogram> recycled = new EnumMap<>(OpKind.class);
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final LongAdder casConflicts = new LongAdder();

    PhaseRecorder() {
        for (OpKind kind : OpKind.values()) {
            recorders.put(kind, new Recorder(SIGNIFICANT_DIGITS));
            Histogram total = new Histogram(SIGNIFICANT_DIGITS);
            total.setAutoResize(true);
            totals.put(kind, total);
        }
    }

    void success(OpKind kind, long latencyNanos) {
        recorders.get(kind).recordValue(Math.max(1, latencyNanos));
    }

    void failure(String kind) {
        errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    void casConflict() {
        casConflicts.increment();
    }

    /**
     * Moves what was recorded since the last call into the totals.
     *
     * @return the interval's latencies over every kind (for the progress line)
     */
    Histogram drain() {
        Histogram interval = new Histogram(SIGNIFICANT_DIGITS);
        interval.setAutoResize(true);
        for (OpKind kind : OpKind.values()) {
            Histogram h = recorders.get(kind).getIntervalHistogram(recycled.get(kind));
            totals.get(kind).add(h);
            interval.add(h);
            recycled.put(kind, h);
        }
        return interval;
    }

    /** The accumulated latencies of one kind (call {@link #drain()} first to include the latest). */
    Histogram total(OpKind kind) {
        return totals.get(kind);
    }

    long errorCount() {
        return errors.values().stream().mapToLong(LongAdder::sum).sum();
    }

    Map<String, Long> errorsByKind() {
        Map<String, Long> m = new TreeMap<>();
        errors.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    long casConflicts() {
        return casConflicts.sum();
    }
}
