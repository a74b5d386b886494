package io.raftkv.loadgen;

import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The human form of a {@link BenchReport}: a header, one latency row per operation kind, the errors. */
public final class ReportTable {
    private ReportTable() {
    }

    public static String render(BenchReport r) {
        Map<String, Object> o = r.options();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%s against %s: %s clients over %s connections, %s-byte keys, "
                        + "%s-byte values, key space %s%n", describeWorkload(o), r.target(), o.get("clients"),
                o.get("connections"), o.get("keySize"), o.get("valueSize"), o.get("keySpace")));
        sb.append(String.format(Locale.ROOT, "measured %.2f s: %,d operations, %,.1f ops/s%n", r.seconds(),
                r.operations(), r.throughput()));
        sb.append(String.format(Locale.ROOT, "%-5s %10s %9s %9s %9s %9s %9s %9s %9s%n", "op", "count", "min",
                "p50", "p90", "p99", "p99.9", "max", "mean"));
        for (Map.Entry<String, LatencySummary> e : r.latency().entrySet()) {
            LatencySummary l = e.getValue();
            sb.append(String.format(Locale.ROOT, "%-5s %,10d %9.3f %9.3f %9.3f %9.3f %9.3f %9.3f %9.3f%n",
                    e.getKey(), l.count(), l.min(), l.p50(), l.p90(), l.p99(), l.p999(), l.max(), l.mean()));
        }
        sb.append("(latencies in ms)\n");
        if (r.casConflicts() > 0) {
            sb.append(String.format(Locale.ROOT, "cas conflicts (version had moved on): %,d%n", r.casConflicts()));
        }
        sb.append("errors: ").append(r.errors().isEmpty() ? "none"
                : r.errors().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", "))).append('\n');
        return sb.toString();
    }

    private static String describeWorkload(Map<String, Object> o) {
        String workload = String.valueOf(o.get("workload"));
        return switch (workload) {
            case "get" -> "get (" + o.get("consistency") + ")";
            case "mixed" -> "mixed (" + Math.round(100 * ((Number) o.get("readRatio")).doubleValue()) + "% "
                    + o.get("consistency") + " gets)";
            default -> workload;
        };
    }
}
