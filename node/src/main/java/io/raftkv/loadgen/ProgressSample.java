package io.raftkv.loadgen;

/**
 * What a run looks like at one moment.
 *
 * @param phase           {@code prefill}, {@code warm-up} or {@code measure}
 * @param elapsedSeconds  since the phase began
 * @param plannedSeconds  the phase's length, or 0 if it ends after a number of operations
 * @param operations      answered so far in the phase
 * @param plannedOps      the phase's operation count, or 0 if it ends after a time
 * @param recentPerSecond answers per second over the last interval
 * @param recentP99Millis 99th percentile latency over the last interval
 * @param errors          failures so far in the phase
 */
public record ProgressSample(String phase, double elapsedSeconds, double plannedSeconds, long operations,
                             long plannedOps, double recentPerSecond, double recentP99Millis, long errors) {
}
