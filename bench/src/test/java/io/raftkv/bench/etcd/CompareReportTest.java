package io.raftkv.bench.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.raftkv.loadgen.BenchReport;
import io.raftkv.loadgen.Histograms;
import io.raftkv.loadgen.LatencySummary;
import io.raftkv.loadgen.ReportJson;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The comparison's arithmetic (medians, merged histograms, ratios, CPU per operation) on reports with known numbers. */
class CompareReportTest {

    /** A report of {@code count} puts, all of {@code latencyMillis}. */
    private static BenchReport report(double throughput, long count, double latencyMillis) {
        Histogram h = new Histogram(3);
        h.recordValueWithCount((long) (latencyMillis * 1e6), count);
        return new BenchReport("x://", Map.of("workload", "put"), Map.of(), "2025-01-01T00:00:00Z", 1.0, count,
                throughput, Map.of("put", LatencySummary.of(h)), Map.of(), 0, Map.of("put", Histograms.encode(h)));
    }

    @Test
    void ratiosGoalsAndChartComeFromTheRawReports(@TempDir Path dir) throws Exception {
        Path raw = dir.resolve("raw");
        Files.createDirectories(raw);
        // (b): etcd 900, 1000, 1100 ops/s (median 1000); RaftKV 1400, 1500, 9000 (median 1500) → 1.50×.
        double[] etcd = {900, 1000, 1100};
        double[] raftkv = {1400, 1500, 9000};
        for (int r = 0; r < 3; r++) {
            ReportJson.write(report(etcd[r], 100, 4.0), raw.resolve("etcd_b-put_r" + (r + 1) + ".json"));
            ReportJson.write(report(raftkv[r], 100, 2.0), raw.resolve("raftkv_b-put_r" + (r + 1) + ".json"));
        }
        // (a): RaftKV p50 1.5× etcd's.
        ReportJson.write(report(100, 10, 2.0), raw.resolve("etcd_a-put-seq_r1.json"));
        ReportJson.write(report(70, 10, 3.0), raw.resolve("raftkv_a-put-seq_r1.json"));
        Files.writeString(raw.resolve("rss.tsv"), "etcd 1 1 51200\netcd 1 2 204800\nraftkv 1 1 102400\n"
                + "raftkv 1 2 40960\n");
        Files.writeString(raw.resolve("leaders.tsv"), "etcd 1 1\n");
        // (b): etcd's members kept 0.6 cores busy at 1,000 ops/s (600 µs/op), RaftKV's 0.3 at 1,500 (200 µs/op).
        Files.writeString(raw.resolve("cpu.tsv"), "etcd 1 b-put 6.0 10.0\netcd 2 b-put 6.0 10.0\n"
                + "raftkv 1 b-put 3.0 10.0\n");
        Files.writeString(dir.resolve("machine.json"), "{\"date\": \"2025-01-01T00:00:00Z\", \"cores\": 2}");

        CompareReport.main(new String[] {dir.toString()});

        String table = Files.readString(dir.resolve("comparison.md"));
        // The clients differ, so the table says so and judges no goal; server CPU per operation is the fair figure.
        assertThat(table).contains(ComparisonTable.CLIENTS_CAVEAT);
        assertThat(table).doesNotContain("goal", "met");
        assertThat(table).contains("| (b) put, 64 clients | 1,000 | 1,500 | 1.50× | 4.00 / 4.00 | 2.00 / 2.00 "
                + "| 600 / 200 | ");
        assertThat(table).contains("| (a) put, 1 client | 100 | 70 | 0.70× | 2.00 / 2.00 | 3.00 / 3.00 | ? / ? | ");
        // etcd's leader is member 1 (50 MiB), not its largest member; RaftKV has no leader record: its largest.
        assertThat(table).contains("etcd 50 MiB, RaftKV 100 MiB, ratio 2.00×.");

        JsonNode summary = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
        JsonNode b = summary.path("workloads").get(1);
        assertThat(b.path("workload").asText()).isEqualTo("b-put");
        assertThat(b.path("throughputRatio").asDouble()).isEqualTo(1.5);
        assertThat(b.path("raftkv").path("latencyMs").path("count").asLong()).isEqualTo(300);

        BufferedImage png = ImageIO.read(dir.resolve("comparison.png").toFile());
        assertThat(png).isNotNull();
        assertThat(png.getWidth()).isGreaterThan(1000);
    }
}
