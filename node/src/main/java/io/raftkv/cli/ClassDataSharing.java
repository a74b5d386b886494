package io.raftkv.cli;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The class-data-sharing archive for node processes started from this jar (JDK 13+ dynamic AppCDS): the classes a
 * node loads, already parsed and verified, kept beside the jar as {@code <jar>.jsa}. Nodes started with it are
 * ready about 0.7 s sooner on two cores (README, "Node performance"). It is built once, by running
 * {@code warm-up} in a child JVM, whenever it is missing or older than the jar; the container image builds its
 * own at image build time (node/Dockerfile). A JVM that cannot use an archive simply starts without it.
 */
final class ClassDataSharing {
    private static final long BUILD_TIMEOUT_SECONDS = 120;
    private static final long PROGRESS_EVERY_SECONDS = 5;

    private ClassDataSharing() {
    }

    /** The JVM options that make a node process use the archive, building it first if needed; none if it can't. */
    static List<String> nodeOptions(PrintWriter progress) {
        Optional<Path> jar = ownJar();
        if (jar.isEmpty()) {
            return List.of(); // classes from directories (an IDE, tests): CDS archives only jar files
        }
        Path archive = jar.get().resolveSibling(jar.get().getFileName() + ".jsa");
        try {
            if (!Files.isRegularFile(archive)
                    || Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(jar.get())) < 0) {
                progress.println("building the class-data-sharing archive for node start-up (once, a few seconds): "
                        + archive);
                progress.flush();
                long started = System.nanoTime();
                build(archive, progress);
                progress.printf("class-data-sharing archive built in %.1f s%n", (System.nanoTime() - started) / 1e9);
                progress.flush();
            }
            return List.of("-XX:SharedArchiveFile=" + archive);
        } catch (IOException e) {
            progress.println("nodes start without a class-data-sharing archive: " + e.getMessage());
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    private static void build(Path archive, PrintWriter progress) throws IOException, InterruptedException {
        // A private temporary name, moved into place when complete: two first runs at once both build, and
        // neither ever sees the other's half-written file.
        Path tmp = archive.resolveSibling(archive.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        Path log = archive.resolveSibling(archive.getFileName() + ".log");
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.add("-XX:ArchiveClassesAtExit=" + tmp);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), RaftKvCli.class.getName(), "warm-up"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            // A line every few seconds, so that a slow first run never looks hung.
            long waited = 0;
            while (!p.waitFor(PROGRESS_EVERY_SECONDS, TimeUnit.SECONDS)) {
                waited += PROGRESS_EVERY_SECONDS;
                if (waited >= BUILD_TIMEOUT_SECONDS) {
                    p.destroyForcibly();
                    throw new IOException("the warm-up run took over " + BUILD_TIMEOUT_SECONDS + " s; see " + log);
                }
                progress.println("  still building the archive (" + waited + " s; the warm-up run's log: " + log + ")");
                progress.flush();
            }
            if (p.exitValue() != 0 || !Files.isRegularFile(tmp) || Files.size(tmp) == 0) {
                throw new IOException("the warm-up run failed (exit " + p.exitValue() + "); see " + log);
            }
            Files.move(tmp, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** This JVM's class path if it is jar files only (the first is "the jar"). */
    private static Optional<Path> ownJar() {
        List<String> entries = Arrays.asList(System.getProperty("java.class.path", "").split(File.pathSeparator));
        if (entries.isEmpty() || !entries.stream().allMatch(e -> e.endsWith(".jar") && Files.isRegularFile(Path.of(e)))) {
            return Optional.empty();
        }
        return Optional.of(Path.of(entries.get(0)).toAbsolutePath());
    }
}
