package io.raftkv.loadgen;

import io.raftkv.cli.ClientOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code raftkv bench}: the picocli face of {@link LoadGenerator}. Option names follow etcd's {@code benchmark}
 * tool ({@code --clients --conns --total --key-size --val-size --consistency l|s --rate}) so that figures are
 * stated the same way. Prints a progress line on stderr, the table (or JSON) on stdout, and writes the JSON
 * report with {@code --json FILE}. Exit code: 0 on success, 1 if no operation succeeded, 2 for bad options.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Drive a workload against RaftKV, etcd or an in-process map, and report throughput, "
                + "latency percentiles (HdrHistogram) and errors by kind.",
                "Examples:",
                "  raftkv bench put --clients 16 --total 10000 --val-size 256   (the local cluster)",
                "  raftkv bench put --target raftkv://127.0.0.1:7001 --clients 64 --conns 8 --total 100000",
                "  raftkv bench get --consistency s --target etcd://127.0.0.1:2379 --duration 20s --prefill"})
public final class BenchCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "WORKLOAD", converter = WorkloadConverter.class,
            description = "put, get, mixed or cas")
    Workload workload;

    @Option(names = "--target", paramLabel = "URI",
            description = "raftkv://host:port[,host:port…], etcd://host:port[,…] or mem:// (default: raftkv:// and "
                    + "$RAFTKV_ENDPOINTS, or the local cluster's " + ClientOptions.DEFAULT_ENDPOINTS + ", as for "
                    + "every other command)")
    String target;

    @Option(names = "--clients", paramLabel = "N", description = "concurrent clients, one operation in flight each "
            + "(default: ${DEFAULT-VALUE})")
    int clients = 1;

    @Option(names = "--conns", paramLabel = "N", description = "connections the clients share (default: "
            + "${DEFAULT-VALUE})")
    int connections = 1;

    @Option(names = "--total", paramLabel = "OPS", description = "operations to measure; overrides --duration")
    long total;

    @Option(names = "--duration", paramLabel = "TIME", converter = DurationConverter.class,
            description = "how long to measure, e.g. 30s, 2m, 500ms (default: 10s)")
    Duration duration = Duration.ofSeconds(10);

    @Option(names = "--warmup", paramLabel = "TIME", converter = DurationConverter.class,
            description = "unmeasured run of the same load first (default: 0s)")
    Duration warmup = Duration.ZERO;

    @Option(names = "--consistency", paramLabel = "l|s", converter = ConsistencyConverter.class,
            description = "reads: l(inearizable) or s(erializable) (default: l)")
    ReadConsistency consistency = ReadConsistency.LINEARIZABLE;

    @Option(names = "--read-ratio", paramLabel = "R", description = "mixed: fraction of reads (default: "
            + "${DEFAULT-VALUE})")
    double readRatio = 0.9;

    @Option(names = "--key-size", paramLabel = "BYTES", description = "(default: ${DEFAULT-VALUE})")
    int keySize = 8;

    @Option(names = "--val-size", paramLabel = "BYTES", description = "(default: ${DEFAULT-VALUE})")
    int valueSize = 256;

    @Option(names = "--key-space", paramLabel = "N", description = "distinct keys, chosen uniformly (default: "
            + "${DEFAULT-VALUE})")
    long keySpace = 10_000;

    @Option(names = "--rate", paramLabel = "OPS/S", description = "total rate limit; 0 = none (default: 0)")
    double rate;

    @Option(names = "--prefill", description = "write every key once before the warm-up (for get, mixed, cas)")
    boolean prefill;

    @Option(names = "--seed", paramLabel = "N", description = "seeds the key choices (default: ${DEFAULT-VALUE})")
    long seed = 1;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the JSON report to FILE")
    Path json;

    @Option(names = "--output", paramLabel = "table|json", description = "what to print on stdout (default: table)")
    String output = "table";

    @Option(names = "--quiet", description = "no progress line")
    boolean quiet;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Standalone use: {@code java -cp raftkv-bench.jar io.raftkv.loadgen.BenchCommand put --target …}. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        BenchOptions options;
        try {
            if (!output.equals("table") && !output.equals("json")) {
                throw new IllegalArgumentException("--output must be table or json, got " + output);
            }
            String uri = target != null ? target
                    : "raftkv://" + String.join(",", ClientOptions.endpointList(null));
            options = BenchOptions.builder().target(uri).workload(workload).consistency(consistency)
                    .readRatio(readRatio).clients(clients).connections(connections).totalOps(total)
                    .duration(duration).warmup(warmup).keySize(keySize).valueSize(valueSize).keySpace(keySpace)
                    .rateLimit(rate).prefill(prefill).seed(seed).build();
        } catch (IllegalArgumentException e) {
            err.println("raftkv bench: " + e.getMessage());
            return 2;
        }
        BenchReport report;
        ClientOptions.quietGrpcLogging();
        try {
            report = LoadGenerator.run(options, quiet ? ProgressListener.NONE : new ProgressLine(System.err));
        } catch (IllegalArgumentException | IllegalStateException e) {
            err.println("raftkv bench: " + e.getMessage());
            return 1;
        }
        out.print(output.equals("json") ? ReportJson.write(report) : ReportTable.render(report));
        out.flush();
        if (json != null) {
            ReportJson.write(report, json);
        }
        return report.operations() > 0 ? 0 : 1;
    }

    static final class WorkloadConverter implements CommandLine.ITypeConverter<Workload> {
        @Override
        public Workload convert(String value) {
            try {
                return Workload.valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("workload must be put, get, mixed or cas, got '"
                        + value + "'");
            }
        }
    }

    static final class ConsistencyConverter implements CommandLine.ITypeConverter<ReadConsistency> {
        @Override
        public ReadConsistency convert(String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "l", "linearizable" -> ReadConsistency.LINEARIZABLE;
                case "s", "serializable" -> ReadConsistency.SERIALIZABLE;
                default -> throw new CommandLine.TypeConversionException(
                        "--consistency must be l (linearizable) or s (serializable), got '" + value + "'");
            };
        }
    }

    /** {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}; a bare number is seconds. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        private static final Pattern FORMAT = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)?");

        @Override
        public Duration convert(String value) {
            Matcher m = FORMAT.matcher(value.strip().toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a duration such as 500ms, "
                        + "30s, 2m or 1h");
            }
            double amount = Double.parseDouble(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            double millis = switch (unit) {
                case "ms" -> amount;
                case "m" -> amount * 60_000;
                case "h" -> amount * 3_600_000;
                default -> amount * 1000;
            };
            return Duration.ofMillis(Math.round(millis));
        }
    }
}
