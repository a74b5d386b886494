package io.raftkv.bench.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.raftkv.loadgen.BenchReport;
import io.raftkv.loadgen.Histograms;
import io.raftkv.loadgen.LatencySummary;
import io.raftkv.loadgen.ReportJson;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Turns one comparison run's directory into its summary: reads {@code raw/<system>_<workload>_r<round>.json}
 * (bench reports), {@code raw/rss.tsv} and {@code raw/leaders.tsv} (resident memory samples),
 * {@code fsync.json} and {@code machine.json}; merges the rounds of each system and workload (median throughput,
 * percentiles of the merged histograms); writes {@code summary.json}, {@code comparison.md} (the table with the
 * ratio RaftKV/etcd) and {@code comparison.png}; prints the table.
 *
 * <pre>java -cp bench/target/raftkv-bench.jar io.raftkv.bench.etcd.CompareReport bench/results/DATE</pre>
 */
public final class CompareReport {
    static final String ETCD = "etcd";
    static final String RAFTKV = "raftkv";
    private static final Pattern RAW_NAME = Pattern.compile("([a-z0-9]+)_([a-z0-9-]+)_r(\\d+)\\.json");
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private CompareReport() {
    }

    /** One system on one workload, over all rounds. */
    record Cell(String system, String workload, List<Double> throughputs, double medianThroughput,
                LatencySummary latency, long errors, double generatorCores) {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: CompareReport RESULTS_DIR");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        Map<String, Map<String, Cell>> cells = readCells(dir.resolve("raw"));
        if (cells.isEmpty()) {
            throw new IllegalStateException("no bench reports in " + dir.resolve("raw"));
        }
        Map<String, Double> leaderRssMiB = leaderPeakRss(dir.resolve("raw"));
        JsonNode fsync = readJson(dir.resolve("fsync.json"));
        JsonNode machine = readJson(dir.resolve("machine.json"));
        Map<String, Double> serverCores = serverCores(dir.resolve("raw"));
        List<Double> load = loadDuringRuns(dir.resolve("raw"));
        String table = ComparisonTable.markdown(cells, leaderRssMiB, serverCores, load, fsync, machine);
        Files.writeString(dir.resolve("comparison.md"), table);
        writeSummary(dir.resolve("summary.json"), cells, leaderRssMiB, serverCores, load, fsync, machine);
        ComparisonChart.write(dir.resolve("comparison.png"), cells, machine);
        System.out.print(table);
        System.out.println("wrote " + dir.resolve("comparison.md") + ", summary.json and comparison.png");
    }

    /** workload id → system → cell, workloads in the standard order first. */
    static Map<String, Map<String, Cell>> readCells(Path raw) throws IOException {
        Map<String, Map<String, List<BenchReport>>> byWorkload = new TreeMap<>();
        try (Stream<Path> files = Files.list(raw)) {
            for (Path f : files.sorted().toList()) {
                Matcher m = RAW_NAME.matcher(f.getFileName().toString());
                if (m.matches()) {
                    byWorkload.computeIfAbsent(m.group(2), k -> new TreeMap<>())
                            .computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(ReportJson.read(f));
                }
            }
        }
        Map<String, Map<String, Cell>> out = new LinkedHashMap<>();
        List<String> order = new ArrayList<>(StandardWorkload.ALL.stream().map(StandardWorkload::id).toList());
        byWorkload.keySet().stream().filter(id -> !order.contains(id)).forEach(order::add);
        for (String workload : order) {
            Map<String, List<BenchReport>> bySystem = byWorkload.get(workload);
            if (bySystem == null) {
                continue;
            }
            Map<String, Cell> row = new LinkedHashMap<>();
            for (String system : List.of(ETCD, RAFTKV)) {
                List<BenchReport> rounds = bySystem.get(system);
                if (rounds != null) {
                    row.put(system, merge(system, workload, rounds));
                }
            }
            bySystem.keySet().stream().filter(s -> !row.containsKey(s))
                    .forEach(s -> row.put(s, merge(s, workload, bySystem.get(s))));
            out.put(workload, row);
        }
        return out;
    }

    static Cell merge(String system, String workload, List<BenchReport> rounds) {
        Histogram merged = new Histogram(3);
        merged.setAutoResize(true);
        List<Double> throughputs = new ArrayList<>();
        long errors = 0;
        double generatorCpu = 0;
        double measuredSeconds = 0;
        for (BenchReport r : rounds) {
            throughputs.add(r.throughput());
            errors += r.errorCount();
            Object cpu = r.environment().get("generatorCpuSeconds");
            if (cpu instanceof Number n && n.doubleValue() >= 0) {
                generatorCpu += n.doubleValue();
                measuredSeconds += r.seconds();
            }
            String key = r.histograms().containsKey("all") ? "all" : r.histograms().keySet().stream().findFirst()
                    .orElse(null);
            if (key != null) {
                merged.add(Histograms.decode(r.histograms().get(key)));
            }
        }
        return new Cell(system, workload, throughputs, median(throughputs), LatencySummary.of(merged), errors,
                measuredSeconds > 0 ? generatorCpu / measuredSeconds : -1);
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        if (n == 0) {
            return 0;
        }
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /**
     * system → peak resident memory of its leader during the write workload, in MiB. {@code rss.tsv} rows are
     * {@code system round member rssKiB}; {@code leaders.tsv} rows {@code system round member}. Where the leader
     * is not known, the largest member stands in (a leader holds at least what a follower holds).
     */
    static Map<String, Double> leaderPeakRss(Path raw) throws IOException {
        Map<String, String> leaders = new TreeMap<>();
        Path leaderFile = raw.resolve("leaders.tsv");
        if (Files.exists(leaderFile)) {
            for (String line : Files.readAllLines(leaderFile)) {
                String[] f = line.trim().split("\\s+");
                if (f.length == 3) {
                    leaders.put(f[0] + " " + f[1], f[2]);
                }
            }
        }
        Map<String, Double> peak = new TreeMap<>();
        Path rss = raw.resolve("rss.tsv");
        if (!Files.exists(rss)) {
            return peak;
        }
        for (String line : Files.readAllLines(rss)) {
            String[] f = line.trim().split("\\s+");
            if (f.length != 4) {
                continue;
            }
            String leader = leaders.get(f[0] + " " + f[1]);
            if (leader == null || leader.equals(f[2])) {
                peak.merge(f[0], Long.parseLong(f[3]) / 1024.0, Math::max);
            }
        }
        return peak;
    }

    static Optional<Double> ratio(Map<String, Cell> row, java.util.function.ToDoubleFunction<Cell> metric) {
        Cell etcd = row.get(ETCD);
        Cell raftkv = row.get(RAFTKV);
        if (etcd == null || raftkv == null || metric.applyAsDouble(etcd) == 0) {
            return Optional.empty();
        }
        return Optional.of(metric.applyAsDouble(raftkv) / metric.applyAsDouble(etcd));
    }

    /**
     * "system workload" → cores the system's members kept busy on average during its runs of the workload (CPU
     * seconds over wall seconds, summed over rounds), from {@code cpu.tsv} rows
     * {@code system round workload cpuSeconds wallSeconds}.
     */
    static Map<String, Double> serverCores(Path raw) throws IOException {
        Map<String, double[]> sums = new TreeMap<>();
        Path file = raw.resolve("cpu.tsv");
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file)) {
                String[] f = line.trim().split("\\s+");
                if (f.length == 5) {
                    double[] s = sums.computeIfAbsent(f[0] + " " + f[2], k -> new double[2]);
                    s[0] += Double.parseDouble(f[3]);
                    s[1] += Double.parseDouble(f[4]);
                }
            }
        }
        Map<String, Double> out = new TreeMap<>();
        sums.forEach((k, s) -> out.put(k, s[1] > 0 ? s[0] / s[1] : 0));
        return out;
    }

    /**
     * The machine's 1-minute load average sampled at the end of every run ({@code load.tsv} rows
     * {@code system round workload load1}), sorted: the noise the two systems shared.
     */
    static List<Double> loadDuringRuns(Path raw) throws IOException {
        Path file = raw.resolve("load.tsv");
        if (!Files.exists(file)) {
            return List.of();
        }
        List<Double> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 4) {
                out.add(Double.parseDouble(f[3]));
            }
        }
        return out.stream().sorted().toList();
    }

    private static JsonNode readJson(Path file) throws IOException {
        return Files.exists(file) ? MAPPER.readTree(file.toFile()) : MAPPER.createObjectNode();
    }

    private static void writeSummary(Path file, Map<String, Map<String, Cell>> cells, Map<String, Double> rss,
                                     Map<String, Double> serverCores, List<Double> load, JsonNode fsync,
                                     JsonNode machine) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("machine", machine);
        if (!load.isEmpty()) {
            root.put("loadAverage1mDuringRuns", Map.of("min", load.get(0), "median", median(load),
                    "max", load.get(load.size() - 1)));
        }
        root.put("fsync", fsync.path("fdatasync"));
        root.put("leaderPeakRssMiB", rss);
        List<Map<String, Object>> rows = new ArrayList<>();
        cells.forEach((workload, row) -> {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("workload", workload);
            StandardWorkload.byId(workload).ifPresent(w -> {
                r.put("label", w.label());
                r.put("args", w.args());
            });
            row.forEach((system, c) -> {
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("throughputMedian", c.medianThroughput());
                s.put("throughputRounds", c.throughputs());
                s.put("latencyMs", c.latency());
                s.put("errors", c.errors());
                s.put("serverCoresBusy", serverCores.getOrDefault(system + " " + workload, -1.0));
                s.put("generatorCoresBusy", c.generatorCores());
                r.put(system, s);
            });
            ratio(row, Cell::medianThroughput).ifPresent(v -> r.put("throughputRatio", v));
            ratio(row, c -> c.latency().p50()).ifPresent(v -> r.put("p50Ratio", v));
            ratio(row, c -> c.latency().p99()).ifPresent(v -> r.put("p99Ratio", v));
            rows.add(r);
        });
        root.put("workloads", rows);
        Files.writeString(file, MAPPER.writeValueAsString(root) + "\n");
    }

    static String fmt(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }
}
