package io.raftkv.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code ./raftkv} wrapper, with a stand-in Maven wrapper and java: the first build says what it does and
 * shows a line per module and build step while it works, and a failed build shows its errors and exits 70.
 */
class RaftkvScriptTest {

    @TempDir
    Path root;

    private static final String MAVEN_OUTPUT = String.join("\n",
            "[INFO] Scanning for projects...",
            "[INFO] ------------------------------------------------------------------------",
            "[INFO] Building RaftKV parent 0.1.0-SNAPSHOT                                   [1/2]",
            "[INFO] --- install:3.1.2:install (default-install) @ raftkv-parent ---",
            "[INFO] Building RaftKV node 0.1.0-SNAPSHOT                                     [2/2]",
            "[INFO] --- compiler:3.13.0:compile (default-compile) @ raftkv-node ---",
            "[INFO] Compiling 212 source files with javac [debug release 17] to target/classes",
            "[INFO] --- shade:3.6.0:shade (default) @ raftkv-node ---",
            "[INFO] BUILD SUCCESS");

    @Test
    void theFirstBuildShowsItsProgressThenRunsTheJar() throws Exception {
        fakeTools("printf '%s\\n' '" + MAVEN_OUTPUT + "'\n"
                + "mkdir -p node/target && touch node/target/raftkv-node-0.1.0-SNAPSHOT-all.jar\n");
        Result r = run("--version");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("java -jar ").endsWith("raftkv-node-0.1.0-SNAPSHOT-all.jar --version");
        assertThat(r.err()).contains("raftkv: building the node jar first")
                .containsPattern("raftkv: +\\d+s  RaftKV parent 0.1.0-SNAPSHOT \\[1/2]")
                .containsPattern("raftkv: +\\d+s  RaftKV node 0.1.0-SNAPSHOT \\[2/2]")
                .containsPattern("raftkv: +\\d+s    compiler:3.13.0:compile")
                .doesNotContain("Compiling 212 source files")
                .contains("raftkv: built ");
        // Built once: the next run starts the jar at once, silently.
        Result again = run("--version");
        assertThat(again.code()).isZero();
        assertThat(again.err()).isEmpty();
    }

    @Test
    void aFailedBuildShowsItsErrorsAndExits70() throws Exception {
        fakeTools("echo '[INFO] Building RaftKV node 0.1.0-SNAPSHOT          [2/2]'\n"
                + "echo '[ERROR] Failed to execute goal: compilation failure'\nexit 1\n");
        Result r = run("--version");
        assertThat(r.code()).isEqualTo(70);
        assertThat(r.err()).contains("raftkv: the build failed (exit status 1)")
                .contains("[ERROR] Failed to execute goal: compilation failure");
        assertThat(r.out()).isEmpty();
    }

    record Result(int code, String out, String err) {
    }

    /** A copy of ./raftkv beside a fake mvnw (running {@code mvnw}), and a fake java that prints its arguments. */
    private void fakeTools(String mvnw) throws Exception {
        Path script = Path.of("..", "raftkv");
        assertThat(script).as("the raftkv script, from the node module's directory").exists();
        Files.copy(script, root.resolve("raftkv"));
        Files.writeString(root.resolve("mvnw"), "#!/usr/bin/env bash\n" + mvnw);
        Files.createDirectories(root.resolve("bin"));
        Files.writeString(root.resolve("bin/java"), "#!/usr/bin/env bash\necho \"java $*\"\n");
        for (Path p : new Path[] {root.resolve("raftkv"), root.resolve("mvnw"), root.resolve("bin/java")}) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    private Result run(String... args) throws Exception {
        String[] command = new String[args.length + 2];
        command[0] = "bash";
        command[1] = root.resolve("raftkv").toString();
        System.arraycopy(args, 0, command, 2, args.length);
        ProcessBuilder pb = new ProcessBuilder(Arrays.asList(command)).directory(root.toFile());
        pb.environment().put("PATH", root.resolve("bin") + ":" + System.getenv("PATH"));
        pb.environment().put("TMPDIR", root.toString());
        Path out = root.resolve("out.txt");
        Path err = root.resolve("err.txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), Files.readString(out).strip(), Files.readString(err).strip());
    }
}
