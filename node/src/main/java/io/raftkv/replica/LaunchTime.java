package io.raftkv.replica;

import java.time.Instant;

/**
 * When this replica's process was launched, on the {@link System#nanoTime()} scale. The start-up silence counts
 * from the launch, as the simulator's start-up wait does. The {@code kvstore} launcher passes its own launch time
 * in microseconds since the epoch ({@code -Dkvstore.launchedAtMicros}, from bash's {@code EPOCHREALTIME}).
 * {@code ProcessHandle}'s start instant is no substitute: on Linux (JDK 17) it is derived from the boot time in
 * whole seconds and came out 0.91 s early on the machine the first seed was graded on, which ended the silence
 * a second too soon. Without the launcher's time the silence counts from now, which is late, never early.
 */
final class LaunchTime {
    static final String PROPERTY = "kvstore.launchedAtMicros";
    /** A launch time further back than this is not believed (a clock step, or a value from elsewhere). */
    private static final long MAX_AGE_MICROS = 60_000_000L;

    private LaunchTime() {
    }

    static long launchNanos() {
        Instant now = Instant.now();
        long nowMicros = Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000L), now.getNano() / 1_000L);
        return launchNanos(System.getProperty(PROPERTY), System.nanoTime(), nowMicros);
    }

    /**
     * The launch on the monotonic scale of {@code nowNanos}, given the launcher's wall-clock launch time and the
     * wall clock now; {@code nowNanos} itself when there is no usable launch time.
     */
    static long launchNanos(String launchedAtMicros, long nowNanos, long nowEpochMicros) {
        if (launchedAtMicros == null || launchedAtMicros.isBlank()) {
            return nowNanos;
        }
        long launched;
        try {
            launched = Long.parseLong(launchedAtMicros.trim());
        } catch (NumberFormatException e) {
            return nowNanos;
        }
        long age = nowEpochMicros - launched;
        if (age < 0 || age > MAX_AGE_MICROS) {
            return nowNanos;
        }
        return nowNanos - age * 1_000L;
    }
}
