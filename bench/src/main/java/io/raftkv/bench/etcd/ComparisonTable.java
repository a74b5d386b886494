package io.raftkv.bench.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftkv.bench.etcd.CompareReport.Cell;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.raftkv.bench.etcd.CompareReport.ETCD;
import static io.raftkv.bench.etcd.CompareReport.RAFTKV;
import static io.raftkv.bench.etcd.CompareReport.fmt;
import static io.raftkv.bench.etcd.CompareReport.ratio;

/** The Markdown table of a comparison: one row per workload with the ratio RaftKV/etcd and the goals. */
final class ComparisonTable {
    private ComparisonTable() {
    }

    static String markdown(Map<String, Map<String, Cell>> cells, Map<String, Double> leaderRssMiB,
                           Map<String, Double> serverCores, List<Double> load, JsonNode fsync,
                           JsonNode machine) {
        StringBuilder sb = new StringBuilder();
        String during = load.isEmpty() ? "" : fmt(", 1-minute load average after each run %.1f–%.1f (median %.1f)",
                load.get(0), load.get(load.size() - 1), CompareReport.median(load));
        sb.append(fmt("RaftKV vs etcd, %s, on %s (%s cores, %s); fdatasync of 2300-byte appends: p50 %s ms, "
                        + "p99 %s ms; load average at start %s%s. Throughput: median of %s rounds; latency: "
                        + "all rounds' histograms merged.%n%n",
                machine.path("date").asText("?"), machine.path("cpu").asText("?"), machine.path("cores").asText("?"),
                machine.path("memory").asText("?"), fsync.path("fdatasync").path("p50").asText("?"),
                fsync.path("fdatasync").path("p99").asText("?"), machine.path("loadAverage").asText("?"), during,
                machine.path("rounds").asText("?")));
        sb.append("| workload | etcd ops/s | RaftKV ops/s | ratio | etcd p50 / p99 ms | RaftKV p50 / p99 ms "
                + "| p50 ratio | p99 ratio | goal | met |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---|---|\n");
        cells.forEach((id, row) -> {
            Cell etcd = row.get(ETCD);
            Cell raftkv = row.get(RAFTKV);
            String label = StandardWorkload.byId(id).map(StandardWorkload::label).orElse(id);
            Optional<Double> tput = ratio(row, Cell::medianThroughput);
            Optional<Double> p50 = ratio(row, c -> c.latency().p50());
            Optional<Double> p99 = ratio(row, c -> c.latency().p99());
            List<String> goals = new ArrayList<>();
            List<Boolean> met = new ArrayList<>();
            StandardWorkload.byId(id).flatMap(StandardWorkload::goal).ifPresent(g -> {
                goals.add(g.describe());
                (switch (g.metric()) {
                    case THROUGHPUT -> tput;
                    case P50 -> p50;
                    case P99 -> p99;
                }).ifPresent(r -> met.add(g.met(r)));
            });
            if (id.equals(StandardWorkload.WRITE_P99_WORKLOAD)) {
                StandardWorkload.Goal g = new StandardWorkload.Goal(StandardWorkload.Metric.P99, 1.0);
                goals.add(g.describe());
                p99.ifPresent(r -> met.add(g.met(r)));
            }
            sb.append(fmt("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", label, tputText(etcd),
                    tputText(raftkv), ratioText(tput), latencyText(etcd), latencyText(raftkv), ratioText(p50),
                    ratioText(p99), goals.isEmpty() ? "" : String.join("; ", goals),
                    met.isEmpty() || met.size() < goals.size() ? (goals.isEmpty() ? "" : "n/a")
                            : met.stream().allMatch(b -> b) ? "yes" : "no"));
        });
        Double etcdRss = leaderRssMiB.get(ETCD);
        Double raftkvRss = leaderRssMiB.get(RAFTKV);
        if (etcdRss != null || raftkvRss != null) {
            Optional<Double> r = etcdRss != null && raftkvRss != null
                    ? Optional.of(raftkvRss / etcdRss) : Optional.empty();
            sb.append(fmt("%nLeader's peak resident memory during (b): etcd %s MiB, RaftKV %s MiB, ratio %s "
                            + "(goal ≤ 1.0×: %s).%n", rssText(etcdRss), rssText(raftkvRss), ratioText(r),
                    r.map(v -> v <= 1.0 ? "met" : "missed").orElse("n/a")));
        }
        if (!serverCores.isEmpty()) {
            sb.append(fmt("%nCores kept busy (of %s), servers (all members) / load generator:", machine.path("cores")
                    .asText("?")));
            cells.forEach((id, row) -> {
                String label = StandardWorkload.byId(id).map(StandardWorkload::label).orElse(id);
                List<String> parts = new ArrayList<>();
                row.forEach((system, c) -> parts.add(fmt("%s %.2f / %s", system,
                        serverCores.getOrDefault(system + " " + id, Double.NaN),
                        c.generatorCores() < 0 ? "?" : fmt("%.2f", c.generatorCores()))));
                sb.append(fmt(" %s: %s;", label, String.join(", ", parts)));
            });
            sb.setLength(sb.length() - 1);
            sb.append(".\n");
        }
        long errors = cells.values().stream().flatMap(m -> m.values().stream()).mapToLong(Cell::errors).sum();
        if (errors > 0) {
            sb.append(fmt("%nFailed operations over the whole run: %d (see raw/*.json).%n", errors));
        }
        return sb.toString();
    }

    private static String tputText(Cell c) {
        return c == null ? "–" : fmt("%,.0f", c.medianThroughput());
    }

    private static String latencyText(Cell c) {
        return c == null ? "–" : fmt("%.2f / %.2f", c.latency().p50(), c.latency().p99());
    }

    private static String ratioText(Optional<Double> r) {
        return r.map(v -> fmt("%.2f×", v)).orElse("–");
    }

    private static String rssText(Double v) {
        return v == null ? "–" : fmt("%.0f", v);
    }
}
