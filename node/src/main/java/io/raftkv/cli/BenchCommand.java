package io.raftkv.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.raftkv.client.RaftKvClient;
import io.raftkv.grpc.proto.Consistency;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A first load generator, in the style of etcd's benchmark tool: {@code bench put} or {@code bench get} with a
 * number of concurrent clients, key and value sizes. Prints throughput and latency percentiles; --json writes
 * them to a file.
 */
@Command(name = "bench", description = "Measure throughput and latency of puts or gets against a cluster.")
final class BenchCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "put|get", description = "The operation.")
    String op;

    @Option(names = "--clients", description = "Requests in flight at once (default ${DEFAULT-VALUE}).", defaultValue = "16")
    int clients;

    @Option(names = "--requests", description = "How many requests in total (default ${DEFAULT-VALUE}).",
            defaultValue = "10000")
    int requests;

    @Option(names = "--key-size", description = "Key bytes (default ${DEFAULT-VALUE}).", defaultValue = "16")
    int keySize;

    @Option(names = "--value-size", description = "Value bytes (default ${DEFAULT-VALUE}).", defaultValue = "256")
    int valueSize;

    @Option(names = "--key-space", description = "Distinct keys, 0 = a new key per request (default ${DEFAULT-VALUE}).",
            defaultValue = "0")
    long keySpace;

    @Option(names = "--consistency", description = "For get: l (linearizable, default) or s (serializable).",
            defaultValue = "l")
    String consistency;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON here.")
    Path json;

    @Override
    int run(RaftKvClient client) {
        if (!op.equals("put") && !op.equals("get")) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "operation must be put or get");
        }
        if (keySize < 8 || valueSize < 0 || clients < 1 || requests < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "need --key-size >= 8, --value-size >= 0, --clients >= 1, --requests >= 1");
        }
        Random random = new Random(42);
        byte[] value = new byte[valueSize];
        random.nextBytes(value);
        ByteString v = ByteString.copyFrom(value);
        Histogram latency = new Histogram(60_000_000L, 3);
        AtomicLong errors = new AtomicLong();
        Semaphore inFlight = new Semaphore(clients);
        List<CompletableFuture<?>> all = new ArrayList<>(requests);
        long t0 = System.nanoTime();
        for (int i = 0; i < requests; i++) {
            long k = keySpace > 0 ? Math.floorMod(random.nextLong(), keySpace) : i;
            ByteString key = key(k);
            inFlight.acquireUninterruptibly();
            long start = System.nanoTime();
            CompletableFuture<?> f = op.equals("put") ? client.putAsync(key, v)
                    : client.getAsync(key, consistency.startsWith("s") ? Consistency.SERIALIZABLE
                    : Consistency.LINEARIZABLE);
            all.add(f.whenComplete((r, e) -> {
                long micros = (System.nanoTime() - start) / 1000;
                synchronized (latency) {
                    latency.recordValue(Math.min(micros, latency.getHighestTrackableValue()));
                }
                if (e != null) {
                    errors.incrementAndGet();
                }
                inFlight.release();
            }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        double seconds = (System.nanoTime() - t0) / 1e9;
        ObjectNode n = Output.object();
        n.put("op", op);
        n.put("clients", clients);
        n.put("requests", requests);
        n.put("key_size", keySize);
        n.put("value_size", valueSize);
        n.put("errors", errors.get());
        n.put("seconds", seconds);
        n.put("requests_per_second", requests / seconds);
        n.put("latency_ms_p50", latency.getValueAtPercentile(50) / 1000.0);
        n.put("latency_ms_p90", latency.getValueAtPercentile(90) / 1000.0);
        n.put("latency_ms_p99", latency.getValueAtPercentile(99) / 1000.0);
        n.put("latency_ms_max", latency.getMaxValue() / 1000.0);
        String text = String.format("%s: %d requests, %d clients, %.0f req/s; latency ms p50 %.2f p90 %.2f p99 %.2f max %.2f;"
                        + " %d errors", op, requests, clients, requests / seconds, latency.getValueAtPercentile(50) / 1000.0,
                latency.getValueAtPercentile(90) / 1000.0, latency.getValueAtPercentile(99) / 1000.0,
                latency.getMaxValue() / 1000.0, errors.get());
        out.print(text, n);
        if (json != null) {
            try {
                Files.writeString(json, n.toPrettyString() + "\n");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return errors.get() == 0 ? ExitCodes.OK : ExitCodes.UNAVAILABLE;
    }

    private ByteString key(long k) {
        String s = String.format("%0" + keySize + "d", k);
        return ByteString.copyFromUtf8(s.length() > keySize ? s.substring(s.length() - keySize) : s);
    }
}
