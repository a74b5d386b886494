package io.raftkv.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process and its JVM, from Micrometer's binders: heap and non-heap memory, GC pauses, CPU use and load,
 * start time and uptime, open and maximum file descriptors, threads, loaded classes; plus the resident set size,
 * which Micrometer does not offer (read from /proc on Linux; absent elsewhere). Bound once, where the node's
 * registry is built; {@link #close()} stops the GC listener.
 */
public final class ProcessMetrics implements AutoCloseable {

    private static final Path STATUS = Path.of("/proc/self/status");

    private final JvmGcMetrics gc;

    private ProcessMetrics(JvmGcMetrics gc) {
        this.gc = gc;
    }

    public static ProcessMetrics bind(MeterRegistry registry) {
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        if (Files.isReadable(STATUS)) {
            Gauge.builder("process_resident_memory_bytes", ProcessMetrics::residentBytes)
                    .description("resident set size of the process (VmRSS in /proc/self/status)").baseUnit("bytes")
                    .register(registry);
        }
        return new ProcessMetrics(gc);
    }

    /** VmRSS from /proc/self/status ("VmRSS:    123456 kB"), in bytes; NaN if unreadable. */
    static double residentBytes() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }

    @Override
    public void close() {
        gc.close();
    }
}
