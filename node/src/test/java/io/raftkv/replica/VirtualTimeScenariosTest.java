package io.raftkv.replica;

import io.raftkv.replica.harness.RunStats;
import io.raftkv.replica.harness.ScenarioFiles;
import io.raftkv.replica.harness.ScenarioSpec;
import io.raftkv.replica.harness.VirtualTimeRun;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 2's scenario part: every course-simulator scenario, in virtual time, several seeds each
 * ({@code -Dcs3700.virtual.seeds}, 5 by default), must pass its correctness checks with no duplicate and no
 * incorrect answer and reach at least "pass" on every metric, with replica mode's defaults (gets under the
 * leader's read lease). With gets confirmed by ReadIndex rounds instead (the {@code KVSTORE_READS=readindex}
 * fallback) the correctness checks must pass too; its grades are printed, not asserted (its median latency
 * misses "pass" on the 30%-loss scenario now and then).
 */
class VirtualTimeScenariosTest {
    private static final int SEEDS = Integer.getInteger("cs3700.virtual.seeds", 5);

    static List<String> scenarios() {
        return ScenarioFiles.names();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void passesEveryCheckAtLeastAtPass(String name) {
        check(name, ReplicaSettings.defaults(), "lease reads", true);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void passesTheCorrectnessChecksWithReadIndexGets(String name) {
        check(name, ReplicaSettings.defaults().withLeaseReads(false), "ReadIndex reads", false);
    }

    private static void check(String name, ReplicaSettings settings, String mode, boolean grades) {
        ScenarioSpec spec = ScenarioFiles.load(name);
        for (long seed = 1; seed <= SEEDS; seed++) {
            RunStats stats = VirtualTimeRun.run(spec, settings, seed);
            String report = mode + ", seed " + seed + "\n" + stats.report(spec);
            System.out.println(report);
            assertThat(stats.correctnessFailures(spec)).as(report).isEmpty();
            assertThat(stats.incorrect()).as(report).isZero();
            assertThat(stats.duplicates()).as(report).isZero();
            for (String metric : grades ? spec.benchmarks().keySet() : List.<String>of()) {
                assertThat(stats.grade(spec, metric)).as(metric + "\n" + report)
                        .isIn(RunStats.Grade.BONUS, RunStats.Grade.PASS);
            }
        }
    }
}
