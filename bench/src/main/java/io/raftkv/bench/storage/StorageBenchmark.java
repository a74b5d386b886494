package io.raftkv.bench.storage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.raftkv.bench.ChartWriter;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The storage benchmark: the machine's raw fdatasync latency, durable group-commit throughput of 256-byte
 * entries from concurrent producers (entries/s, MB/s, fsyncs/s, latency), and start-up replay time of a
 * 1,000,000-entry log. Writes {@code storage.json}, {@code storage-throughput.png} and {@code storage-latency.png}
 * to the results directory.
 *
 * <pre>
 * ./mvnw -B -q -pl bench -am package -DskipTests
 * java -cp bench/target/raftkv-bench.jar io.raftkv.bench.storage.StorageBenchmark \
 *     [--results bench/results/DATE] [--data bench/target/storage-bench] [--seconds 5] [--warmup 2] \
 *     [--configs 1x1,16x1,64x1,256x1,16x64,16x256] [--entry-bytes 256] [--replay-entries 1000000]
 * </pre>
 * A config {@code PxW} is P producer threads each keeping W proposals outstanding. The data directory must be on
 * the disk under test (the default is inside the repository's target directory); it is deleted afterwards.
 */
public final class StorageBenchmark {

    private StorageBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = parse(args);
        Path results = Path.of(opts.getOrDefault("results", "bench/results/" + LocalDate.now()));
        Path data = Path.of(opts.getOrDefault("data", "bench/target/storage-bench"));
        double seconds = Double.parseDouble(opts.getOrDefault("seconds", "5"));
        double warmup = Double.parseDouble(opts.getOrDefault("warmup", "2"));
        int entryBytes = Integer.parseInt(opts.getOrDefault("entry-bytes", "256"));
        long replayEntries = Long.parseLong(opts.getOrDefault("replay-entries", "1000000"));
        List<int[]> configs = new ArrayList<>();
        for (String c : opts.getOrDefault("configs", "1x1,16x1,64x1,256x1,16x64,16x256").split(",")) {
            String[] pw = c.split("x");
            configs.add(new int[] {Integer.parseInt(pw[0]), Integer.parseInt(pw[1])});
        }

        Map<String, Object> report = new LinkedHashMap<>();
        report.put("benchmark", "storage");
        report.put("started", Instant.now().toString());
        report.put("machine", machine(data));
        report.put("loadAverageAtStart", loadAverage());

        deleteRecursively(data);
        Files.createDirectories(data);
        List<FsyncProbe.Result> fsync = List.of(FsyncProbe.measure(data, true, 2000),
                FsyncProbe.measure(data, false, 2000));
        fsync.forEach(r -> System.out.printf("raw fdatasync, %s: p50 %.0f us, p99 %.0f us, %.0f/s%n", r.mode(),
                r.p50Micros(), r.p99Micros(), r.syncsPerSecond()));
        report.put("rawFdatasync4KiB", fsync);

        List<GroupCommitLoad.Result> throughput = new ArrayList<>();
        for (int[] config : configs) {
            Path dir = data.resolve("load-" + config[0] + "x" + config[1]);
            GroupCommitLoad.Result r = new GroupCommitLoad(config[0], config[1], entryBytes).run(dir, warmup, seconds);
            deleteRecursively(dir);
            throughput.add(r);
            System.out.printf("%4d producers x %4d outstanding: %,10.0f entries/s  %6.1f MB/s  %,7.0f fsyncs/s"
                            + "  %6.1f entries/fsync  latency p50 %,.0f us p99 %,.0f us%n", r.producers(), r.window(),
                    r.entriesPerSecond(), r.payloadMegabytesPerSecond(), r.fsyncsPerSecond(), r.entriesPerFsync(),
                    r.p50LatencyMicros(), r.p99LatencyMicros());
        }
        report.put("groupCommit", Map.of("entryBytes", entryBytes, "results", throughput));

        ReplayBenchmark.Result replay = ReplayBenchmark.run(data.resolve("replay"), replayEntries, entryBytes, 3);
        deleteRecursively(data);
        System.out.printf("replay of %,d entries: best %.0f ms (%,.0f entries/s), runs %s ms%n", replay.entries(),
                replay.bestMillis(), replay.entriesPerSecondBest(), replay.runsMillis());
        report.put("replay", replay);
        report.put("loadAverageAtEnd", loadAverage());

        Files.createDirectories(results);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(results.resolve("storage.json").toFile(), report);
        List<String> labels = throughput.stream().map(r -> r.producers() + "x" + r.window()).toList();
        Map<String, List<? extends Number>> rate = new LinkedHashMap<>();
        rate.put("durable entries/s", throughput.stream().map(r -> Math.round(r.entriesPerSecond())).toList());
        rate.put("fsyncs/s", throughput.stream().map(r -> Math.round(r.fsyncsPerSecond())).toList());
        ChartWriter.bars(results.resolve("storage-throughput.png"), "Group commit: durable " + entryBytes
                        + "-byte entries (raw fdatasync p50 " + Math.round(fsync.get(0).p50Micros()) + " us)",
                "producers x outstanding proposals each", "per second", labels, rate);
        Map<String, List<? extends Number>> latency = new LinkedHashMap<>();
        latency.put("p50", throughput.stream().map(r -> Math.round(r.p50LatencyMicros())).toList());
        latency.put("p99", throughput.stream().map(r -> Math.round(r.p99LatencyMicros())).toList());
        ChartWriter.bars(results.resolve("storage-latency.png"), "Group commit: proposal to durable, microseconds",
                "producers x outstanding proposals each", "microseconds", labels, latency);
        System.out.println("wrote " + results.resolve("storage.json") + " and storage-*.png");
    }

    private static Map<String, Object> machine(Path data) throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        Files.createDirectories(data);
        m.put("dataDirectory", data.toAbsolutePath().toString());
        m.put("fileStore", Files.getFileStore(data).type() + " " + Files.getFileStore(data).name());
        return m;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return "unknown";
        }
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: --name value ...; got " + args[i]);
            }
            opts.put(args[i].substring(2), args[++i]);
        }
        return opts;
    }

    private static void deleteRecursively(Path dir) throws Exception {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
