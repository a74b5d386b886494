package io.raftkv.loadgen;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Everything that defines a run. Build with {@link #builder()}; {@link Builder#build()} rejects inconsistent
 * settings with a message naming the option. Defaults follow etcd's benchmark tool where it has one
 * (8-byte keys, 256-byte values; etcd's documented runs use these sizes).
 *
 * @param target      where to send the load: {@code etcd://host:port[,host:port…]}, {@code raftkv://host:port[,…]}
 *                    or {@code mem://} (an in-process map: the generator's own ceiling)
 * @param totalOps    operations to measure; 0 means "run for {@code duration}" instead
 * @param duration    how long to measure when {@code totalOps} is 0
 * @param warmup      how long to run the same load, unmeasured, before measuring (JIT, connections, caches)
 * @param readRatio   for {@link Workload#MIXED}: the fraction of operations that are reads
 * @param rateLimit   total operations per second over all clients; 0 means as fast as the target answers
 * @param prefill     write every key of the key space once before the warm-up, so that reads find values
 * @param seed        seeds the clients' key choices, so that two runs draw the same key sequence
 */
public record BenchOptions(String target, Workload workload, ReadConsistency consistency, double readRatio,
                           int clients, int connections, long totalOps, Duration duration, Duration warmup,
                           int keySize, int valueSize, long keySpace, double rateLimit, boolean prefill,
                           long seed) {

    public BenchOptions {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(workload, "workload");
        Objects.requireNonNull(consistency, "consistency");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(warmup, "warmup");
        require(!target.isBlank(), "--target must name a target, e.g. etcd://127.0.0.1:2379");
        require(clients >= 1, "--clients must be at least 1, got " + clients);
        require(connections >= 1 && connections <= clients,
                "--conns must be between 1 and --clients (" + clients + "), got " + connections);
        require(totalOps >= 0, "--total must not be negative, got " + totalOps);
        require(!duration.isNegative(), "--duration must not be negative, got " + duration);
        require(totalOps > 0 || !duration.isZero(), "give either --total (operations) or --duration");
        require(!warmup.isNegative(), "--warmup must not be negative, got " + warmup);
        require(keySize >= 1 && keySize <= 4096, "--key-size must be 1..4096 bytes, got " + keySize);
        require(valueSize >= 0 && valueSize <= 1 << 20, "--val-size must be 0..1048576 bytes, got " + valueSize);
        require(keySpace >= 1, "--key-space must be at least 1, got " + keySpace);
        require(keySize >= 8 || keySpace <= 1L << (8 * keySize),
                "--key-space " + keySpace + " has more keys than " + keySize + "-byte keys can name");
        require(readRatio >= 0 && readRatio <= 1, "--read-ratio must be between 0 and 1, got " + readRatio);
        require(rateLimit >= 0 && !Double.isNaN(rateLimit), "--rate must not be negative, got " + rateLimit);
        require(workload != Workload.CAS || keySpace <= 10_000_000,
                "--key-space for cas is at most 10000000 (the generator tracks each key's version)");
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /** True if the run stops after {@link #totalOps()} operations rather than after {@link #duration()}. */
    public boolean countBound() {
        return totalOps > 0;
    }

    /** The settings as plain names and numbers, for the JSON report. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target", target);
        m.put("workload", workload.name().toLowerCase(Locale.ROOT));
        m.put("consistency", consistency.name().toLowerCase(Locale.ROOT));
        if (workload == Workload.MIXED) {
            m.put("readRatio", readRatio);
        }
        m.put("clients", clients);
        m.put("connections", connections);
        m.put("totalOps", totalOps);
        m.put("durationSeconds", duration.toMillis() / 1000.0);
        m.put("warmupSeconds", warmup.toMillis() / 1000.0);
        m.put("keySize", keySize);
        m.put("valueSize", valueSize);
        m.put("keySpace", keySpace);
        m.put("rateLimit", rateLimit);
        m.put("prefill", prefill);
        m.put("seed", seed);
        return m;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().target(target).workload(workload).consistency(consistency).readRatio(readRatio)
                .clients(clients).connections(connections).totalOps(totalOps).duration(duration).warmup(warmup)
                .keySize(keySize).valueSize(valueSize).keySpace(keySpace).rateLimit(rateLimit).prefill(prefill)
                .seed(seed);
    }

    /** Starts from the defaults: put, 1 client, 1 connection, 10 s, 8-byte keys, 256-byte values. */
    public static final class Builder {
        private String target = "";
        private Workload workload = Workload.PUT;
        private ReadConsistency consistency = ReadConsistency.LINEARIZABLE;
        private double readRatio = 0.9;
        private int clients = 1;
        private int connections = 1;
        private long totalOps;
        private Duration duration = Duration.ofSeconds(10);
        private Duration warmup = Duration.ZERO;
        private int keySize = 8;
        private int valueSize = 256;
        private long keySpace = 10_000;
        private double rateLimit;
        private boolean prefill;
        private long seed = 1;

        private Builder() {
        }

        public Builder target(String v) { target = v; return this; }
        public Builder workload(Workload v) { workload = v; return this; }
        public Builder consistency(ReadConsistency v) { consistency = v; return this; }
        public Builder readRatio(double v) { readRatio = v; return this; }
        public Builder clients(int v) { clients = v; return this; }
        public Builder connections(int v) { connections = v; return this; }
        public Builder totalOps(long v) { totalOps = v; return this; }
        public Builder duration(Duration v) { duration = v; return this; }
        public Builder warmup(Duration v) { warmup = v; return this; }
        public Builder keySize(int v) { keySize = v; return this; }
        public Builder valueSize(int v) { valueSize = v; return this; }
        public Builder keySpace(long v) { keySpace = v; return this; }
        public Builder rateLimit(double v) { rateLimit = v; return this; }
        public Builder prefill(boolean v) { prefill = v; return this; }
        public Builder seed(long v) { seed = v; return this; }

        public BenchOptions build() {
            return new BenchOptions(target, workload, consistency, readRatio, clients, connections, totalOps,
                    duration, warmup, keySize, valueSize, keySpace, rateLimit, prefill, seed);
        }
    }
}
