package io.raftkv.raft;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Data-driven transcript tests in etcd-raft's style: each file under {@code src/test/resources/raft/stories/}
 * tells one story as commands, each followed by {@code ----} and the output it must produce (every Ready,
 * every delivered or dropped message, every change of role, term or leader), up to a blank line. Lines starting
 * with {@code #} are comments. The commands are those of {@link StoryInterpreter}.
 *
 * <p>After an intended change of behaviour, regenerate the expected output with
 * {@code ./mvnw -B -pl node -am test -Dtest=StoriesTest -Dsurefire.failIfNoSpecifiedTests=false -Drewrite=true}
 * and review the diff: it shows exactly what the core now does differently.
 */
class StoriesTest {
    private static final Path DIR = Path.of("src", "test", "resources", "raft", "stories");
    private static final String SEPARATOR = "----";

    @TestFactory
    Stream<DynamicTest> stories() throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(DIR)) {
            files = list.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
        }
        assertThat(files).as("stories in %s", DIR).isNotEmpty();
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> play(f)));
    }

    private static void play(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        StoryInterpreter story = new StoryInterpreter();
        StringBuilder rewritten = new StringBuilder();
        int i = 0;
        while (i < lines.size()) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) {
                rewritten.append(line).append('\n');
                i++;
                continue;
            }
            int commandLine = i + 1;
            i++;
            if (i >= lines.size() || !lines.get(i).equals(SEPARATOR)) {
                throw new AssertionError(file + ":" + commandLine + ": expected " + SEPARATOR + " after the command");
            }
            i++;
            StringBuilder expected = new StringBuilder();
            while (i < lines.size() && !lines.get(i).isEmpty()) {
                expected.append(lines.get(i)).append('\n');
                i++;
            }
            List<String> words = Arrays.asList(line.trim().split("\\s+"));
            String actual;
            try {
                actual = story.run(words.get(0), new ArrayList<>(words.subList(1, words.size())));
            } catch (RuntimeException e) {
                throw new AssertionError(file + ":" + commandLine + ": " + line + " failed: " + e, e);
            }
            rewritten.append(line).append('\n').append(SEPARATOR).append('\n').append(actual);
            if (!Boolean.getBoolean("rewrite")) {
                assertThat(actual).as("%s:%d: output of '%s' (regenerate with -Drewrite=true and review the diff)",
                        file, commandLine, line).isEqualTo(expected.toString());
            }
        }
        if (Boolean.getBoolean("rewrite")) {
            Files.writeString(file, rewritten.toString(), StandardCharsets.UTF_8);
        }
    }
}
