package io.raftkv.loadgen;

import org.HdrHistogram.Histogram;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The latency part of a {@link BenchReport}: a summary and an encoded histogram per operation kind, plus
 * {@code all} when a run mixed kinds. One place builds it, for this generator and for reports imported from
 * another (the Go load generator of the etcd comparison).
 *
 * @param summaries  per kind, then {@code all}
 * @param histograms the same keys, each histogram encoded by {@link Histograms#encode}
 * @param operations how many latencies were recorded in all
 */
public record KindLatencies(Map<String, LatencySummary> summaries, Map<String, String> histograms,
                            long operations) {

    /** @param byKind non-empty histograms (nanoseconds) by kind label, in the order the report lists them */
    public static KindLatencies of(Map<String, Histogram> byKind) {
        Map<String, LatencySummary> summaries = new LinkedHashMap<>();
        Map<String, String> histograms = new LinkedHashMap<>();
        Histogram all = new Histogram(PhaseRecorder.SIGNIFICANT_DIGITS);
        all.setAutoResize(true);
        byKind.forEach((kind, h) -> {
            summaries.put(kind, LatencySummary.of(h));
            histograms.put(kind, Histograms.encode(h));
            all.add(h);
        });
        if (byKind.size() > 1) {
            summaries.put("all", LatencySummary.of(all));
            histograms.put("all", Histograms.encode(all));
        }
        return new KindLatencies(summaries, histograms, all.getTotalCount());
    }
}
