package io.raftkv.cli;

import io.raftkv.storage.DataDirLock;
import io.raftkv.storage.LockHolderChild;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What {@code raftkv local} refuses before it starts anything: a directory another launcher holds, a directory
 * whose nodes still run (also with {@code --clean}, which must never delete a live node's data), busy ports.
 */
class LocalCommandTest {

    @TempDir
    Path root;

    static CliRun raftkv(String... args) {
        return CliRun.of(args);
    }

    @Test
    void aSecondLauncherOnTheSameDirectoryIsRefused() throws Exception {
        Path dir = root.resolve("cluster");
        try (DataDirLock running = DataDirLock.acquire(dir)) {
            CliRun r = raftkv("local", "--dir", dir.toString());
            assertThat(r.code()).isEqualTo(ExitCodes.CONFIG);
            assertThat(r.err()).isEqualTo("error: " + dir + " is in use by another raftkv local (pid "
                    + ProcessHandle.current().pid() + "); stop it with: raftkv local stop --dir " + dir);
            assertThat(dir.resolve("node-1.yaml")).doesNotExist();
        }
    }

    @Test
    void aLiveNodesDataIsNeverDeletedOrReused() throws Exception {
        Path dir = root.resolve("cluster");
        Path node1 = dir.resolve("node-1");
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                LockHolderChild.class.getName(), node1.toString())
                .redirectError(root.resolve("child.err").toFile()).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).startsWith("LOCKED");
            Path identity = node1.resolve("IDENTITY");
            assertThat(identity).exists();

            CliRun clean = raftkv("local", "--dir", dir.toString(), "--clean");
            assertThat(clean.code()).isEqualTo(ExitCodes.CONFIG);
            assertThat(clean.err()).isEqualTo("error: node 1's data directory " + node1 + " is in use by pid "
                    + holder.pid() + " (a node left over from an earlier run?); stop it with: raftkv local stop --dir "
                    + dir);
            assertThat(identity).as("--clean deleted nothing").exists();
            assertThatThrownBy(() -> LocalDirectory.clean(dir)).isInstanceOf(LocalDirectory.InUseException.class)
                    .hasMessage("refusing to delete " + node1 + ": it is in use by pid " + holder.pid()
                            + "; stop it with: raftkv local stop --dir " + dir);
            assertThat(identity).exists();
        } finally {
            holder.destroyForcibly();
            assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        Files.writeString(dir.resolve("node-1.log"), "old log\n");
        LocalDirectory.cleanUnlessInUse(dir);
        try (var left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString()).toList())
                    .as("only the launcher's lock file is left").isEqualTo(List.of(DataDirLock.FILE));
        }
    }

    @Test
    void busyPortsAreRefusedBeforeAnyNodeStarts() throws Exception {
        Path dir = root.resolve("cluster");
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = busy.getLocalPort();
            CliRun r = raftkv("local", "--dir", dir.toString(), "--nodes", "1", "--base-port", Integer.toString(port));
            assertThat(r.code()).isEqualTo(ExitCodes.CONFIG);
            assertThat(r.err()).isEqualTo("error: cannot listen on 127.0.0.1:" + port + " (node 1 gRPC): the port is "
                    + "in use by another process; choose other ports with --base-port and --http-base-port");
            assertThat(dir.resolve("node-1.yaml")).doesNotExist();
        }
        assertThat(DataDirLock.holder(dir)).as("the refused launcher let go of the directory").isEmpty();
    }

    @Test
    void stopAndRestartSayWhenNothingRuns() {
        Path dir = root.resolve("nothing");
        CliRun stop = raftkv("local", "stop", "--dir", dir.toString());
        assertThat(stop.code()).isZero();
        assertThat(stop.out()).isEqualTo("nothing is running in " + dir);
        CliRun restart = raftkv("local", "restart", "2", "--dir", dir.toString());
        assertThat(restart.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(restart.err()).isEqualTo("error: " + dir + " has no node 2 (no " + dir.resolve("node-2.yaml") + ")");
    }
}
