package io.raftkv.bench.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.raftkv.loadgen.BenchReport;
import io.raftkv.loadgen.KindLatencies;
import io.raftkv.loadgen.ReportJson;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns a report of {@code etcd-go-bench} (bench/etcd-go: the load generator on etcd's Go client) into the load
 * generator's report format ({@link BenchReport}), so that {@link CompareReport} merges and compares runs of
 * either generator alike. The Go report carries every latency as {@code [nanoseconds, count]} pairs (rounded to
 * 3 significant digits, as HdrHistogram keeps them); they are recorded into one histogram per operation kind,
 * plus {@code all} when a run mixed kinds, as {@code raftkv bench} reports.
 *
 * <pre>java -cp bench/target/raftkv-bench.jar io.raftkv.bench.etcd.GoReportImport GO_JSON REPORT_JSON</pre>
 */
public final class GoReportImport {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int SIGNIFICANT_DIGITS = 3;

    private GoReportImport() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: GoReportImport GO_JSON REPORT_JSON");
            System.exit(2);
        }
        ReportJson.write(convert(MAPPER.readTree(Path.of(args[0]).toFile())), Path.of(args[1]));
    }

    static BenchReport convert(JsonNode go) {
        Map<String, Histogram> byKind = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> kind : go.path("latencyCounts").properties()) {
            Histogram h = new Histogram(SIGNIFICANT_DIGITS);
            h.setAutoResize(true);
            for (JsonNode pair : kind.getValue()) {
                h.recordValueWithCount(pair.get(0).asLong(), pair.get(1).asLong());
            }
            byKind.put(kind.getKey(), h);
        }
        KindLatencies latencies = KindLatencies.of(byKind);
        Map<String, Long> errors = new LinkedHashMap<>();
        go.path("errors").properties().forEach(e -> errors.put(e.getKey(), e.getValue().asLong()));
        return new BenchReport(go.path("target").asText(), MAPPER.convertValue(go.path("options"), Map.class),
                MAPPER.convertValue(go.path("environment"), Map.class), go.path("startedAt").asText(),
                go.path("seconds").asDouble(), go.path("operations").asLong(), go.path("throughput").asDouble(),
                latencies.summaries(), errors, 0, latencies.histograms());
    }
}
