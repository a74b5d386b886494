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

/**
 * The Markdown table of a comparison: one row per workload with the ratio RaftKV/etcd and the CPU each system's
 * servers and the load generator spent per operation. The clients differ (RaftKV's own Java client, etcd's jetcd),
 * and the load generator shares the machine's cores with the servers, so throughput and latency ratios include
 * the clients' cost; server CPU per operation is the fair comparison of the servers. No goal is judged here:
 * that needs the identical client for both systems.
 */
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
        sb.append("go".equals(machine.path("client").asText()) ? IDENTICAL_CLIENT : CLIENTS_CAVEAT);
        sb.append("| workload | etcd ops/s | RaftKV ops/s | ratio | etcd p50 / p99 ms | RaftKV p50 / p99 ms "
                + "| server CPU µs/op etcd / RaftKV | load generator CPU µs/op etcd / RaftKV |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        cells.forEach((id, row) -> {
            Cell etcd = row.get(ETCD);
            Cell raftkv = row.get(RAFTKV);
            String label = StandardWorkload.byId(id).map(StandardWorkload::label).orElse(id);
            Optional<Double> tput = ratio(row, Cell::medianThroughput);
            sb.append(fmt("| %s | %s | %s | %s | %s | %s | %s / %s | %s / %s |%n", label, tputText(etcd),
                    tputText(raftkv), ratioText(tput), latencyText(etcd), latencyText(raftkv),
                    micros(serverCores.get(ETCD + " " + id), etcd), micros(serverCores.get(RAFTKV + " " + id), raftkv),
                    micros(etcd == null ? null : etcd.generatorCores(), etcd),
                    micros(raftkv == null ? null : raftkv.generatorCores(), raftkv)));
        });
        Double etcdRss = leaderRssMiB.get(ETCD);
        Double raftkvRss = leaderRssMiB.get(RAFTKV);
        if (etcdRss != null || raftkvRss != null) {
            Optional<Double> r = etcdRss != null && raftkvRss != null
                    ? Optional.of(raftkvRss / etcdRss) : Optional.empty();
            sb.append(fmt("%nLeader's peak resident memory during (b): etcd %s MiB, RaftKV %s MiB, ratio %s.%n",
                    rssText(etcdRss), rssText(raftkvRss), ratioText(r)));
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

    static final String CLIENTS_CAVEAT = "Clients: RaftKV through its own Java client, etcd through jetcd, both "
            + "inside the same load generator (`raftkv bench`) on the same cores as the servers. The clients are not "
            + "identical, so throughput and latency ratios include the difference in client cost; server CPU per "
            + "operation compares the servers.\n\n";

    static final String IDENTICAL_CLIENT = "Client: both systems through etcd's own Go client (clientv3) in "
            + "etcd-go-bench (bench/etcd-go), on etcd's v3 API: the identical client. It shares the cores with the "
            + "servers; its CPU per operation is in the last column.\n\n";

    /** CPU microseconds per operation: {@code cores} kept busy on average, over the cell's median throughput. */
    private static String micros(Double cores, Cell c) {
        if (cores == null || cores < 0 || c == null || c.medianThroughput() <= 0) {
            return "?";
        }
        return fmt("%.0f", cores * 1e6 / c.medianThroughput());
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
