package io.raftkv.replica;

import io.raftkv.replica.harness.CpuStress;
import io.raftkv.replica.harness.MachineLoad;
import io.raftkv.replica.harness.ProcessRun;
import io.raftkv.replica.harness.RunStats;
import io.raftkv.replica.harness.ScenarioFiles;
import io.raftkv.replica.harness.ScenarioSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 7: the {@code kvstore} launcher, as real processes, under this project's own stand-in for the course
 * simulator ({@link ProcessRun}). Each scenario takes its full lifetime of wall time (30 s), so CI runs three
 * of them (read-heavy, a leader killed, a partition that may cut the leader off; the lossy ones run in virtual
 * time, where a busy CI machine cannot skew their latency); {@code -Dcs3700.all=true} runs all
 * 17 ({@code -Dcs3700.scenarios=a,b} names some), {@code -Dcs3700.runs=5} repeats each, and {@code -Dcs3700.transport=udp} uses the newer simulator's UDP
 * variant of the launcher's command line. {@link UdpLauncherIT} checks that variant in CI.
 *
 * <p>The loaded profile: {@code -Dcs3700.stress=4} runs four busy loops ({@link CpuStress}, each bounded by
 * {@code timeout}) during every run, as the grader's machine may be busy. A run is graded as the grader would grade
 * it whatever the load: a replica that connected too late has died. A failed run that started on a machine busier
 * than that profile ({@link MachineLoad}) is reported as skipped with its load instead of failing the build.
 * {@link CpuStressStartupIT} runs a short scenario under that load in CI.
 */
class ProcessScenariosIT {
    private static final List<String> CI_SCENARIOS = List.of("simple-1", "crash-3", "partition-3");
    private static final int RUNS = Integer.getInteger("cs3700.runs", 1);
    /** {@code seqpacket} (the original simulator, default) or {@code udp} (the newer one). */
    private static final String TRANSPORT = System.getProperty("cs3700.transport", "seqpacket");
    /** Busy loops running during each run (0: none). */
    private static final int STRESS = Integer.getInteger("cs3700.stress", 0);
    private static Path launcher;

    static List<String> scenarios() {
        String chosen = System.getProperty("cs3700.scenarios", "");
        if (!chosen.isBlank()) {
            return List.of(chosen.split(","));
        }
        return Boolean.getBoolean("cs3700.all") ? ScenarioFiles.names() : CI_SCENARIOS;
    }

    @BeforeAll
    static void prepareLauncher() throws Exception {
        String path = System.getProperty("kvstore.launcher");
        assumeTrue(path != null, "no -Dkvstore.launcher given (node/pom.xml sets it to the repository's ./kvstore)");
        launcher = Path.of(path).toAbsolutePath().normalize();
        assumeTrue(Files.isExecutable(launcher), "launcher " + launcher + " is missing or not executable");
        Process prepare = new ProcessBuilder(launcher.toString(), "--prepare").inheritIO().start();
        assertThat(prepare.waitFor(120, TimeUnit.SECONDS)).as("kvstore --prepare finished").isTrue();
        assertThat(prepare.exitValue()).as("kvstore --prepare (builds the class-data-sharing archive)").isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void passesEveryCheckAtLeastAtPass(String name) throws Exception {
        ScenarioSpec spec = ScenarioFiles.load(name);
        List<String> failed = new java.util.ArrayList<>();
        List<String> tooBusy = new java.util.ArrayList<>();
        for (int run = 1; run <= RUNS; run++) {
            Path dir = ProcessRun.newWorkDir(name);
            ProcessRun process = new ProcessRun(spec, launcher, dir, System.nanoTime(), TRANSPORT);
            double busy = MachineLoad.oneMinute();
            String loadBefore = loadAverage();
            RunStats stats;
            try (CpuStress stress = CpuStress.start(STRESS, (long) spec.lifetime() + 30)) {
                stats = process.run();
            }
            String report = "run " + run + " in " + dir + ", " + STRESS + " busy loops, load average before "
                    + loadBefore + " after " + loadAverage() + ", connect ms "
                    + new TreeMap<>(process.connectMillis()) + "\n" + stats.report(spec);
            System.out.println(report);
            // Replicas print nothing unless something is wrong (a launcher that cannot start says why here).
            assertThat(replicaOutput(dir, spec)).as("replica output\n" + report).isEmpty();
            List<String> problems = new java.util.ArrayList<>(stats.correctnessFailures(spec));
            if (stats.duplicates() > 0) {
                problems.add(stats.duplicates() + " duplicate answers");
            }
            for (String metric : spec.benchmarks().keySet()) {
                RunStats.Grade g = stats.grade(spec, metric);
                if (g != RunStats.Grade.BONUS && g != RunStats.Grade.PASS) {
                    problems.add(metric + " graded " + g);
                }
            }
            if (problems.isEmpty()) {
                continue;
            }
            if (MachineLoad.tooBusy(busy)) {
                tooBusy.add("run " + run + " (load " + busy + " before it): " + problems);
            } else {
                failed.add("run " + run + ": " + problems + "\n" + report);
            }
        }
        assertThat(failed).as(name + " runs that failed").isEmpty();
        assumeTrue(tooBusy.isEmpty(), () -> "machine busier than the loaded profile for " + name + ": " + tooBusy);
    }

    private static String replicaOutput(Path dir, ScenarioSpec spec) throws java.io.IOException {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < spec.replicas(); i++) {
            Path log = dir.resolve(String.format("%04X.log", i));
            if (Files.exists(log) && Files.size(log) > 0) {
                out.append(log.getFileName()).append(": ").append(Files.readString(log).strip()).append('\n');
            }
        }
        return out.toString();
    }

    static String loadAverage() {
        return MachineLoad.describe();
    }
}
