package io.raftkv.replica.harness;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Finds the 17 scenario files: {@code -Draftkv.scenarios.dir} (set by node/pom.xml to ../shared/scenarios/cs3700). */
public final class ScenarioFiles {
    private ScenarioFiles() {
    }

    /** The scenario directory, or a skipped test saying why there is none. */
    public static Path directory() {
        String dir = System.getProperty("raftkv.scenarios.dir");
        Assumptions.assumeTrue(dir != null, "no -Draftkv.scenarios.dir given: the cs3700 scenario files are not available");
        Path p = Path.of(dir);
        Assumptions.assumeTrue(Files.isDirectory(p), "scenario directory " + p.toAbsolutePath().normalize()
                + " is absent (it lives in ../shared/scenarios/cs3700 beside the repository)");
        return p;
    }

    public static List<String> names() {
        String dir = System.getProperty("raftkv.scenarios.dir");
        if (dir == null || !Files.isDirectory(Path.of(dir))) {
            return List.of("(scenario directory absent)");
        }
        try (Stream<Path> files = Files.list(Path.of(dir))) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - 5)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ScenarioSpec load(String name) {
        try {
            return ScenarioSpec.load(directory().resolve(name + ".json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
