package io.raftkv.replica;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.raftkv.replica.harness.MachineLoad;
import io.raftkv.replica.harness.ProcessRun;
import io.raftkv.replica.harness.RunStats;
import io.raftkv.replica.harness.ScenarioSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The launcher's newer command line, {@code kvstore <simulator UDP port> <my ID> <others...>}: three replicas
 * announce themselves with a hello, elect a leader and serve a short read/write workload with a leader kill.
 */
class UdpLauncherIT {
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void servesAShortScenarioOverUdp() throws Exception {
        String path = System.getProperty("kvstore.launcher");
        assumeTrue(path != null, "no -Dkvstore.launcher given (node/pom.xml sets it to the repository's ./kvstore)");
        Path launcher = Path.of(path).toAbsolutePath().normalize();
        assumeTrue(Files.isExecutable(launcher), "launcher " + launcher + " is missing or not executable");
        ScenarioSpec spec = ScenarioSpec.parse("udp-smoke", new ObjectMapper().readTree("""
                {"lifetime": 20, "replicas": 3, "requests": 150, "mix": 0.5,
                 "events": [{"type": "kill_leader", "time": 4}],
                 "tests": {"benchmarks": {"total_msgs": [500, 2500, 3000], "failures": [1, 5, 10],
                   "duplicates": [0, 1, 2], "median_latency": [0.001, 0.05, 0.1]}}}"""));
        double busy = MachineLoad.oneMinute();
        assumeTrue(!MachineLoad.tooBusy(busy), "machine busier than the loaded profile (load " + busy + ")");
        ProcessRun run = new ProcessRun(spec, launcher, ProcessRun.newWorkDir("udp"), 42, "udp");
        RunStats stats = run.run();
        String report = "connect ms " + run.connectMillis() + "\n" + stats.report(spec);
        System.out.println(report);
        assertThat(run.connectMillis()).as(report).hasSize(3);
        assertThat(stats.correctnessFailures(spec)).as(report).isEmpty();
        assertThat(stats.duplicates()).as(report).isZero();
        assertThat(stats.failures()).as(report).isLessThan(5);
    }
}
