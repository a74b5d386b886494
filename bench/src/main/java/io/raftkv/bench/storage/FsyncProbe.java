package io.raftkv.bench.storage;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The machine's raw fdatasync latency, the floor under any durable write: 4 KiB written then
 * {@code force(false)}, in a loop, two ways — overwriting a preallocated file (data only, what the log does) and
 * appending to a growing file (data plus size metadata).
 */
final class FsyncProbe {

    /** Latency in microseconds. */
    record Result(String mode, int samples, double p50Micros, double p99Micros, double meanMicros,
                  double syncsPerSecond) {
    }

    private FsyncProbe() {
    }

    static Result measure(Path dir, boolean preallocated, int samples) throws IOException {
        Path file = dir.resolve(preallocated ? "fsync-probe-overwrite" : "fsync-probe-append");
        Files.deleteIfExists(file);
        ByteBuffer block = ByteBuffer.allocateDirect(4096);
        Histogram latency = new Histogram(3);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            if (preallocated) {
                for (long position = 0; position < (long) samples * block.capacity(); ) {
                    block.clear();
                    position += channel.write(block, position);
                }
                channel.force(true);
            }
            long started = System.nanoTime();
            for (int i = 0; i < samples; i++) {
                block.clear();
                long t0 = System.nanoTime();
                channel.write(block, (long) i * block.capacity());
                channel.force(false);
                latency.recordValue((System.nanoTime() - t0) / 1000);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            return new Result(preallocated ? "overwrite preallocated file" : "append to growing file", samples,
                    latency.getValueAtPercentile(50), latency.getValueAtPercentile(99), latency.getMean(),
                    samples / seconds);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
