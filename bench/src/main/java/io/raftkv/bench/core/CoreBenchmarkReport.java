package io.raftkv.bench.core;

import io.raftkv.bench.ChartWriter;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs {@link CoreThroughputBenchmark} with JMH's GC profiler and writes {@code core-throughput.json} and
 * {@code core-throughput.png} (entries/s per batch size) under the results directory (first argument,
 * default {@code bench/results/<date>}).
 *
 * <pre>java -cp bench/target/raftkv-bench.jar io.raftkv.bench.core.CoreBenchmarkReport</pre>
 */
public final class CoreBenchmarkReport {
    private CoreBenchmarkReport() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "bench/results/" + LocalDate.now());
        Options opts = new OptionsBuilder()
                .include(CoreThroughputBenchmark.class.getSimpleName())
                .addProfiler("gc")
                .build();
        Collection<RunResult> results = new Runner(opts).run();
        List<String> batches = new ArrayList<>();
        List<Double> entriesPerSec = new ArrayList<>();
        StringBuilder json = new StringBuilder("{\n  \"benchmark\": \"core-throughput\",\n  \"cluster\": \"3 nodes in memory, one thread\",\n");
        json.append("  \"cores\": ").append(Runtime.getRuntime().availableProcessors())
                .append(",\n  \"jvm\": \"").append(System.getProperty("java.vm.version")).append("\",\n  \"results\": [\n");
        boolean first = true;
        for (RunResult r : results) {
            int batch = Integer.parseInt(r.getParams().getParam("batch"));
            int valueBytes = Integer.parseInt(r.getParams().getParam("valueBytes"));
            double batchesPerSec = r.getPrimaryResult().getScore();
            double perSec = batchesPerSec * batch;
            Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
            double allocPerEntry = alloc == null ? Double.NaN : alloc.getScore() / batch;
            batches.add("batch " + batch);
            entriesPerSec.add(perSec);
            json.append(first ? "" : ",\n").append(String.format(
                    "    {\"batch\": %d, \"valueBytes\": %d, \"entriesPerSecond\": %.0f, \"errorBatchesPerSecond\": %.0f, \"allocBytesPerEntry\": %.0f}",
                    batch, valueBytes, perSec, r.getPrimaryResult().getScoreError(), allocPerEntry));
            first = false;
            System.out.printf("batch %4d: %,12.0f entries/s  %,8.0f B allocated/entry%n", batch, perSec, allocPerEntry);
        }
        json.append("\n  ]\n}\n");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("core-throughput.json"), json);
        Map<String, List<? extends Number>> series = new LinkedHashMap<>();
        series.put("committed entries/s", entriesPerSec);
        ChartWriter.bars(dir.resolve("core-throughput.png"),
                "Raft core alone: 3 nodes in memory, 256-byte entries", "proposals per Ready cycle",
                "entries/s", batches, series);
        System.out.println("wrote " + dir.resolve("core-throughput.json") + " and .png");
    }
}
