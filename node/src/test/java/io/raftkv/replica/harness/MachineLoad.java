package io.raftkv.replica.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The machine's load average, for the real-process tests. Their verdicts are about the replicas, so a run that
 * starts on a machine already busier than the loaded profile (load 8 on 2 cores: {@link #TOO_BUSY_PER_CORE}
 * per core, set with {@code -Dcs3700.maxLoadPerCore}) is reported as skipped, naming the load, rather than failed;
 * it is still graded and printed as the grader would grade it.
 */
public final class MachineLoad {
    public static final double TOO_BUSY_PER_CORE = Double.parseDouble(System.getProperty("cs3700.maxLoadPerCore", "6"));

    private MachineLoad() {
    }

    /** The /proc/loadavg line, or "unknown". */
    public static String describe() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The one-minute load average, or 0 when unknown. */
    public static double oneMinute() {
        String d = describe();
        try {
            return Double.parseDouble(d.split(" ")[0]);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    public static boolean tooBusy(double oneMinuteLoad) {
        return oneMinuteLoad > TOO_BUSY_PER_CORE * Runtime.getRuntime().availableProcessors();
    }
}
