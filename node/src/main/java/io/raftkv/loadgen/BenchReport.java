package io.raftkv.loadgen;

import java.util.Map;

/**
 * The outcome of one measured run, as the table and the JSON show it.
 *
 * @param target       the target as the generator reached it
 * @param options      the run's settings ({@link BenchOptions#describe()})
 * @param environment  the machine the generator ran on (cores, OS, JVM) and the CPU time the generator itself
 *                     used during the measured phase ({@code generatorCpuSeconds}, -1 if unknown)
 * @param startedAt    when the measured phase began (ISO-8601, UTC)
 * @param seconds      the measured phase's length: from its start until its last client stopped
 * @param operations   operations answered successfully in the measured phase (a CAS conflict is an answer)
 * @param throughput   operations / seconds
 * @param latency      per operation kind ({@code put}, {@code get}, {@code cas}), and {@code all} when the run
 *                     mixed kinds; in milliseconds
 * @param errors       failed operations by kind (e.g. {@code UNAVAILABLE}); failures are not in the latencies
 * @param casConflicts compare-and-swaps answered "version did not match"
 * @param histograms   per key of {@code latency}: the HdrHistogram (nanoseconds), compressed and base64-encoded,
 *                     so that rounds can be merged exactly ({@link Histograms#decode})
 */
public record BenchReport(String target, Map<String, Object> options, Map<String, Object> environment,
                          String startedAt, double seconds, long operations, double throughput,
                          Map<String, LatencySummary> latency, Map<String, Long> errors, long casConflicts,
                          Map<String, String> histograms) {

    /** All failed operations. */
    public long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }
}
