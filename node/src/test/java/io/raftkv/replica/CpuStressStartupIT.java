package io.raftkv.replica;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.raftkv.replica.harness.CpuStress;
import io.raftkv.replica.harness.MachineLoad;
import io.raftkv.replica.harness.ProcessRun;
import io.raftkv.replica.harness.RunStats;
import io.raftkv.replica.harness.ScenarioSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 18: five replicas start, elect a leader and serve a short read/write workload with a leader kill while
 * four busy loops (two per core of the development machine) compete for the CPU, under the grader's rules: a
 * replica that a message is routed to before it has connected dies, and a died replica fails the run. The
 * launcher connects before the JVM loads, so the start-up survives the load; the connect times are printed.
 * Asserted: every replica connects, none dies, no answer is wrong or duplicated. Not yet asserted: the grader's
 * liveness rules, which a run under this much stress still misses (issue 18).
 */
class CpuStressStartupIT {
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void everyReplicaConnectsInTimeUnderCpuStress() throws Exception {
        String path = System.getProperty("kvstore.launcher");
        assumeTrue(path != null, "no -Dkvstore.launcher given (node/pom.xml sets it to the repository's ./kvstore)");
        Path launcher = Path.of(path).toAbsolutePath().normalize();
        assumeTrue(Files.isExecutable(launcher), "launcher " + launcher + " is missing or not executable");
        ScenarioSpec spec = ScenarioSpec.parse("stress-smoke", new ObjectMapper().readTree("""
                {"lifetime": 20, "replicas": 5, "requests": 150, "mix": 0.5,
                 "events": [{"type": "kill_leader", "time": 8}],
                 "tests": {"benchmarks": {"total_msgs": [500, 2500, 3000], "failures": [1, 10, 20],
                   "duplicates": [0, 2, 5], "median_latency": [0.001, 0.05, 0.1]}}}"""));
        ProcessRun run = new ProcessRun(spec, launcher, ProcessRun.newWorkDir("stress"), 7, "seqpacket");
        double busy = MachineLoad.oneMinute();
        assumeTrue(!MachineLoad.tooBusy(busy), "machine busier than the loaded profile (load " + busy + ")");
        String loadBefore = ProcessScenariosIT.loadAverage();
        RunStats stats;
        try (CpuStress stress = CpuStress.start(4, (long) spec.lifetime() + 30)) {
            stats = run.run();
        }
        String report = "load average before " + loadBefore + ", after " + ProcessScenariosIT.loadAverage()
                + "; connect ms " + new TreeMap<>(run.connectMillis()) + "\n" + stats.report(spec);
        System.out.println(report);
        assertThat(run.connectMillis()).as(report).hasSize(spec.replicas());
        assertThat(stats.died()).as("replicas that died\n" + report).isZero();
        // Safety holds under stress: no wrong and no duplicate answer. The grader's liveness rules (enough gets
        // generated, every request answered) are not yet met with four busy loops on two cores (issue 18 stays
        // open for it); the report above prints them.
        assertThat(stats.incorrect()).as("gets with an incorrect answer\n" + report).isZero();
        assertThat(stats.duplicates()).as(report).isZero();
    }
}
