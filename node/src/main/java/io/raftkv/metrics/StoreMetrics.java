package io.raftkv.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * The store's size: the number of keys, the bytes under the data directory (log segments, snapshots, state) and
 * the free space of its file system. Computed when scraped (the data directory holds a few dozen files).
 */
public final class StoreMetrics {

    private StoreMetrics() {
    }

    public static void bind(MeterRegistry registry, LongSupplier keyCount, Path dataDir) {
        Gauge.builder("raftkv_keys", keyCount::getAsLong).description("keys in this node's applied state")
                .register(registry);
        Gauge.builder("raftkv_data_dir_bytes", () -> usedBytes(dataDir)).baseUnit("bytes")
                .description("bytes of the files under the data directory (log, snapshots, state)")
                .register(registry);
        Gauge.builder("raftkv_data_dir_free_bytes", () -> freeBytes(dataDir)).baseUnit("bytes")
                .description("space usable by the node on the data directory's file system")
                .register(registry);
    }

    static double usedBytes(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.mapToLong(StoreMetrics::sizeOrZero).sum();
        } catch (IOException | UncheckedIOException e) {
            return Double.NaN;
        }
    }

    private static long sizeOrZero(Path p) {
        try {
            return Files.isRegularFile(p) ? Files.size(p) : 0;
        } catch (NoSuchFileException gone) {
            return 0; // deleted while walking (a compacted segment, an old snapshot)
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static double freeBytes(Path dir) {
        try {
            return Files.getFileStore(dir).getUsableSpace();
        } catch (IOException e) {
            return Double.NaN;
        }
    }
}
