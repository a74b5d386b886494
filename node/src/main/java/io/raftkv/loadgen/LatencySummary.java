package io.raftkv.loadgen;

import org.HdrHistogram.Histogram;

/**
 * The latency distribution of one kind of operation, in milliseconds (recorded in nanoseconds; HdrHistogram
 * keeps 3 significant digits).
 */
public record LatencySummary(long count, double min, double mean, double p50, double p90, double p99,
                             double p999, double max) {

    private static final double NANOS_PER_MILLI = 1e6;

    public static LatencySummary of(Histogram h) {
        if (h.getTotalCount() == 0) {
            return new LatencySummary(0, 0, 0, 0, 0, 0, 0, 0);
        }
        return new LatencySummary(h.getTotalCount(),
                ms(h.getMinValue()), h.getMean() / NANOS_PER_MILLI,
                ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)),
                ms(h.getValueAtPercentile(99)), ms(h.getValueAtPercentile(99.9)),
                ms(h.getMaxValue()));
    }

    private static double ms(long nanos) {
        return nanos / NANOS_PER_MILLI;
    }
}
