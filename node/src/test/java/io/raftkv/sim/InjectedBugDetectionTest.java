package io.raftkv.sim;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Proves that the invariant checks catch a real consensus bug: with {@link StaleVoteCounting} injected (a
 * candidate counts votes granted to it in an earlier term), a short sweep must end in an Election Safety
 * violation. If the checks were weakened (for instance if leaders were recorded per node rather than per
 * term), this test would fail. See README.md for doing the same with a bug edited into the core itself.
 */
class InjectedBugDetectionTest {

    @Test
    void countingVotesFromAStaleTermIsCaughtAsAnElectionSafetyViolation() throws Exception {
        List<SimulationRun.Result> results = SimulationSweepTest.sweep(0xB0_6_5EEDL, 600, 3000, 2,
                StaleVoteCounting::new);

        Optional<SimulationRun.Result> caught = results.stream()
                .filter(r -> r.violated() == Property.ELECTION_SAFETY).findFirst();
        assertThat(caught).as("some run with stale votes counted ends in an Election Safety violation").isPresent();
        long count = results.stream().filter(r -> r.violated() == Property.ELECTION_SAFETY).count();
        System.out.println("stale vote counting caught in " + count + " of " + results.size() + " runs, first at seed "
                + caught.get().seed() + ":\n" + caught.get().failure());
    }
}
