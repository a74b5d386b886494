package io.raftkv.loadgen;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class BenchCommandTest {

    private record Outcome(int exitCode, String out, String err) {
    }

    private static Outcome run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new BenchCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Outcome(code, out.toString(), err.toString());
    }

    @Test
    void runsAgainstTheInProcessMapAndWritesTheJsonReport(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("r.json");
        Outcome o = run("mixed", "--target", "mem://", "--clients", "4", "--conns", "2", "--total", "300",
                "--consistency", "s", "--quiet", "--json", json.toString());

        assertThat(o.exitCode()).as(o.err()).isZero();
        assertThat(o.out()).contains("mixed (90% serializable gets) against mem://").contains("p99.9")
                .contains("errors: none");
        BenchReport r = ReportJson.read(json);
        assertThat(r.operations()).isEqualTo(300);
        assertThat(r.options()).containsEntry("workload", "mixed").containsEntry("consistency", "serializable")
                .containsEntry("clients", 4);
        assertThat(Histograms.decode(r.histograms().get("all")).getTotalCount()).isEqualTo(300);
        assertThat(r.latency().get("all").p99()).isEqualTo(
                Histograms.decode(r.histograms().get("all")).getValueAtPercentile(99) / 1e6);
    }

    @Test
    void badOptionsExitWithTwoAndSayWhy() {
        Outcome badConsistency = run("get", "--target", "mem://", "--consistency", "x");
        assertThat(badConsistency.exitCode()).isEqualTo(2);
        assertThat(badConsistency.err()).contains("--consistency must be l (linearizable) or s (serializable)");

        Outcome badConns = run("put", "--target", "mem://", "--clients", "2", "--conns", "4");
        assertThat(badConns.exitCode()).isEqualTo(2);
        assertThat(badConns.err()).contains("--conns must be between 1 and --clients (2)");

        Outcome badWorkload = run("scan", "--target", "mem://");
        assertThat(badWorkload.exitCode()).isEqualTo(2);
        assertThat(badWorkload.err()).contains("workload must be put, get, mixed or cas");

        Outcome badDuration = run("put", "--target", "mem://", "--duration", "soon");
        assertThat(badDuration.exitCode()).isEqualTo(2);
        assertThat(badDuration.err()).contains("not a duration");
    }

    @Test
    void durationsAcceptTheUsualUnits() {
        BenchCommand.DurationConverter c = new BenchCommand.DurationConverter();
        assertThat(c.convert("500ms").toMillis()).isEqualTo(500);
        assertThat(c.convert("30s").toMillis()).isEqualTo(30_000);
        assertThat(c.convert("2m").toMillis()).isEqualTo(120_000);
        assertThat(c.convert("1.5").toMillis()).isEqualTo(1500);
    }
}
