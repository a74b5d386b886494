package io.raftkv.replica;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The start-up silence counts from the launcher's launch time, never from a later or earlier guess. */
class LaunchTimeTest {
    private static final long NOW_NANOS = 5_000_000_000_000L;
    private static final long NOW_MICROS = 1_765_000_000_000_000L;

    @Test
    void theLaunchersTimeIsMovedOntoTheMonotonicScaleToTheMicrosecond() {
        assertThat(LaunchTime.launchNanos(Long.toString(NOW_MICROS - 123_456), NOW_NANOS, NOW_MICROS))
                .isEqualTo(NOW_NANOS - 123_456_000L);
    }

    @Test
    void withoutAUsableLaunchTimeTheSilenceCountsFromNow() {
        assertThat(LaunchTime.launchNanos(null, NOW_NANOS, NOW_MICROS)).isEqualTo(NOW_NANOS);
        assertThat(LaunchTime.launchNanos("", NOW_NANOS, NOW_MICROS)).isEqualTo(NOW_NANOS);
        assertThat(LaunchTime.launchNanos("12.5", NOW_NANOS, NOW_MICROS)).isEqualTo(NOW_NANOS);
        assertThat(LaunchTime.launchNanos(Long.toString(NOW_MICROS + 1), NOW_NANOS, NOW_MICROS))
                .as("a launch in the future").isEqualTo(NOW_NANOS);
        assertThat(LaunchTime.launchNanos(Long.toString(NOW_MICROS - 61_000_000L), NOW_NANOS, NOW_MICROS))
                .as("a launch over a minute ago").isEqualTo(NOW_NANOS);
    }
}
