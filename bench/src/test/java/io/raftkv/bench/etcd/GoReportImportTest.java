package io.raftkv.bench.etcd;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.raftkv.loadgen.BenchReport;
import io.raftkv.loadgen.Histograms;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A report of the Go load generator becomes the Java generator's report, latencies exact to 3 digits. */
class GoReportImportTest {

    @Test
    void latencyPairsBecomeMergeableHistogramsPerKindAndAll() throws Exception {
        String go = """
                {"target": "etcd://127.0.0.1:2379", "options": {"workload": "mixed", "clients": 64},
                 "environment": {"cores": 2, "generatorCpuSeconds": 1.5}, "startedAt": "2026-12-07T00:00:00Z",
                 "seconds": 2.0, "operations": 10, "throughput": 5.0, "errors": {"Unavailable": 3},
                 "latencyCounts": {"get": [[1000000, 8]], "put": [[2000000, 1], [9990000, 1]]}}
                """;
        BenchReport report = GoReportImport.convert(new ObjectMapper().readTree(go));

        assertThat(report.throughput()).isEqualTo(5.0);
        assertThat(report.operations()).isEqualTo(10);
        assertThat(report.environment()).containsEntry("generatorCpuSeconds", 1.5);
        assertThat(report.errors()).containsEntry("Unavailable", 3L);
        assertThat(report.latency().get("get").p50()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.002));
        assertThat(report.latency().get("put").count()).isEqualTo(2);
        assertThat(report.latency().get("all").count()).isEqualTo(10);
        assertThat(Histograms.decode(report.histograms().get("put")).getMaxValue()).isBetween(9_980_000L, 9_999_999L);
    }
}
