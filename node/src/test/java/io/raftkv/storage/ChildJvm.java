package io.raftkv.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts a test class's {@code main} in a separate JVM with the test class path. */
final class ChildJvm {

    private ChildJvm() {
    }

    /** Starts {@code main}; its stderr goes to {@code stderrFile} (read it when something fails). */
    static Process start(Class<?> main, Path stderrFile, String... args) throws IOException {
        return builder(main, stderrFile, args).start();
    }

    static ProcessBuilder builder(Class<?> main, Path stderrFile, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1"); // starts faster; these children are short-lived
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(stderrFile.toFile());
    }

    static String tail(Path file) {
        try {
            String text = Files.readString(file);
            return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
        } catch (IOException e) {
            return "(no stderr: " + e + ")";
        }
    }
}
