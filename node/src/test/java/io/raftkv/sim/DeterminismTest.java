package io.raftkv.sim;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One seed determines a whole run: running a seed twice gives the same events in the same order (compared
 * through a fingerprint of every event), the same outcome and the same counters. Without this a failing seed
 * could not be replayed.
 */
class DeterminismTest {

    @Test
    void aSeedDeterminesTheWholeRun() {
        for (long seed : new long[] {1, 42, -7_000_000_000L}) {
            SimulationRun.Result first = SimulationRun.run(seed, 3000);
            SimulationRun.Result second = SimulationRun.run(seed, 3000);
            assertThat(second.stats().fingerprint()).as("event fingerprint of seed %d", seed)
                    .isEqualTo(first.stats().fingerprint());
            assertThat(second).as("result of seed %d", seed).isEqualTo(first);
        }
    }

    @Test
    void differentSeedsGiveDifferentRuns() {
        SimulationRun.Result a = SimulationRun.run(1, 2000);
        SimulationRun.Result b = SimulationRun.run(2, 2000);
        assertThat(a.stats().fingerprint()).isNotEqualTo(b.stats().fingerprint());
    }
}
