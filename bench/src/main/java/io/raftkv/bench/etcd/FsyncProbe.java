package io.raftkv.bench.etcd;

import io.raftkv.loadgen.LatencySummary;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * Measures the disk's fdatasync latency the way etcd's documentation asks for it (fio with 2300-byte sequential
 * writes, each followed by fdatasync): the floor under every durable write of both systems, printed beside the
 * figures. Writes {@code fsync.json}.
 *
 * <pre>java -cp bench/target/raftkv-bench.jar io.raftkv.bench.etcd.FsyncProbe DATA_DIR OUT.json [WRITES]</pre>
 */
public final class FsyncProbe {
    private static final int BLOCK_BYTES = 2300;
    private static final long MAX_NANOS = 10_000_000_000L;

    private FsyncProbe() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: FsyncProbe DATA_DIR OUT.json [WRITES (default 1000)]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        Path out = Path.of(args[1]);
        int writes = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        Files.createDirectories(dir);
        Path file = dir.resolve("fsync-probe.dat");
        Histogram h = new Histogram(3);
        h.setAutoResize(true);
        ByteBuffer block = ByteBuffer.allocate(BLOCK_BYTES);
        long start = System.nanoTime();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (int i = 0; i < writes && System.nanoTime() - start < MAX_NANOS; i++) {
                block.clear();
                ch.write(block);
                long t0 = System.nanoTime();
                ch.force(false); // fdatasync(2): the data and the size, not the other metadata
                h.recordValue(Math.max(1, System.nanoTime() - t0));
            }
        } finally {
            Files.deleteIfExists(file);
        }
        LatencySummary s = LatencySummary.of(h);
        String json = String.format(Locale.ROOT, "{\n  \"blockBytes\": %d,\n  \"dir\": \"%s\",\n  \"fdatasync\": "
                        + "{\"count\": %d, \"min\": %.3f, \"p50\": %.3f, \"p90\": %.3f, \"p99\": %.3f, \"max\": %.3f, "
                        + "\"mean\": %.3f}\n}\n", BLOCK_BYTES, dir.toAbsolutePath().toString().replace("\"", ""),
                s.count(), s.min(), s.p50(), s.p90(), s.p99(), s.max(), s.mean());
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(out, json);
        System.out.printf(Locale.ROOT, "fdatasync of %d-byte appends (%d): p50 %.3f ms, p99 %.3f ms, max %.3f ms%n",
                BLOCK_BYTES, s.count(), s.p50(), s.p99(), s.max());
    }
}
