package io.raftkv.replica.harness;

import io.raftkv.replica.ReplicaSettings;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Prints the grade table of the 17 scenarios in virtual time as Markdown: per scenario, over several seeds,
 * the range of each metric and the worst grade. A tool, not a test:
 * <pre>
 *   ./mvnw -B -q -pl node test-compile exec:java -Dexec.classpathScope=test \
 *       -Dexec.mainClass=io.raftkv.replica.harness.GradeTable -Dexec.args="5 lease"
 * </pre>
 * Arguments: seeds per scenario (default 5), and {@code lease} (default) or {@code readindex} for gets.
 */
public final class GradeTable {
    private GradeTable() {
    }

    public static void main(String[] args) throws Exception {
        int seeds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        boolean lease = args.length < 2 || !args[1].equals("readindex");
        // From the repository root (./mvnw -pl node) or from node/: the shared directory lies beside the repository.
        String dir = System.getProperty("raftkv.scenarios.dir",
                java.nio.file.Files.isDirectory(Path.of("../shared/scenarios/cs3700")) ? "../shared/scenarios/cs3700"
                        : "../../shared/scenarios/cs3700");
        System.setProperty("raftkv.scenarios.dir", dir);
        ReplicaSettings settings = ReplicaSettings.defaults().withLeaseReads(lease);
        System.out.printf(Locale.ROOT, "Virtual time, %d seeds per scenario, gets by %s. Ranges are min-max over the "
                + "seeds; the grade is the worst one.%n%n", seeds, lease ? "read lease" : "ReadIndex");
        System.out.println("| scenario | correctness | messages | failures | duplicates | median latency (ms) |");
        System.out.println("|---|---|---|---|---|---|");
        for (String name : ScenarioFiles.names()) {
            ScenarioSpec spec = ScenarioSpec.load(Path.of(dir, name + ".json"));
            List<RunStats> runs = new ArrayList<>();
            for (long seed = 1; seed <= seeds; seed++) {
                runs.add(VirtualTimeRun.run(spec, settings, seed));
            }
            long correct = runs.stream().filter(r -> r.correctnessFailures(spec).isEmpty() && r.incorrect() == 0).count();
            System.out.printf(Locale.ROOT, "| %s | %d/%d passed | %s | %s | %s | %s |%n", name, correct, runs.size(),
                    cell(spec, runs, "total_msgs", 1, "%.0f"), cell(spec, runs, "failures", 1, "%.0f"),
                    cell(spec, runs, "duplicates", 1, "%.0f"), cell(spec, runs, "median_latency", 1000, "%.2f"));
        }
    }

    static String cell(ScenarioSpec spec, List<RunStats> runs, String metric, double scale, String format) {
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        Set<RunStats.Grade> grades = EnumSet.noneOf(RunStats.Grade.class);
        for (RunStats r : runs) {
            double v = r.metric(metric);
            min = Math.min(min, v);
            max = Math.max(max, v);
            grades.add(r.grade(spec, metric));
        }
        RunStats.Grade worst = grades.stream().max(Enum::compareTo).orElseThrow();
        String range = min == max ? String.format(Locale.ROOT, format, min * scale)
                : String.format(Locale.ROOT, format + "-" + format, min * scale, max * scale);
        return range + " " + worst.name().toLowerCase(Locale.ROOT);
    }
}
