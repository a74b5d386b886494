package io.raftkv.server;

import io.raftkv.config.NodeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a node checks before it touches its data directory: each problem named, nothing created. */
class StartupChecksTest {

    @TempDir
    Path root;

    private static final StartupChecks.FreeSpace PLENTY = p -> 1L << 40;

    private NodeConfig config(String listen, String http, Path dataDir) {
        NodeConfig d = NodeConfig.defaults();
        return new NodeConfig("test", 1, listen, "", http, dataDir.toString(), "new", List.of(), null, "info",
                d.raft(), d.snapshot(), d.limits(), d.disk());
    }

    @Test
    void busyPortsAreNamedWithTheirSettingAndNothingIsCreated() throws Exception {
        try (ServerSocket grpc = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             ServerSocket http = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path data = root.resolve("data");
            NodeConfig c = config("127.0.0.1:" + grpc.getLocalPort(), "127.0.0.1:" + http.getLocalPort(), data);
            assertThatThrownBy(() -> StartupChecks.run(c, 64L << 20, PLENTY))
                    .isInstanceOf(StartupFailure.class)
                    .hasMessageContaining("cannot listen on 127.0.0.1:" + grpc.getLocalPort()
                            + " (listen): the port is in use by another process")
                    .hasMessageContaining("(http)");
            assertThat(data).doesNotExist();
        }
    }

    @Test
    void aDataDirThatIsAFileOrUnderAFileIsRefused() throws Exception {
        Path file = Files.writeString(root.resolve("file"), "x");
        List<String> problems = new ArrayList<>();
        StartupChecks.checkDataDir(problems, file, 64L << 20, PLENTY);
        StartupChecks.checkDataDir(problems, file.resolve("sub"), 64L << 20, PLENTY);
        assertThat(problems).containsExactly("data-dir " + file + ": is a file, not a directory",
                "data-dir " + file.resolve("sub") + ": cannot be created, " + file + " is a file");
    }

    @Test
    void aFullDiskIsRefusedBeforeANewDirectoryIsInitialised() throws Exception {
        Path data = root.resolve("data");
        List<String> problems = new ArrayList<>();
        StartupChecks.checkDataDir(problems, data, 64L << 20, p -> 10L << 20);
        assertThat(problems).containsExactly("data-dir " + data + ": only 10 MiB free on its file system; "
                + "a new node needs 65 MiB (its first log segment)");
        assertThat(data).doesNotExist();

        problems.clear();
        StartupChecks.checkDataDir(problems, data, 64L << 20, p -> 0);
        assertThat(problems).singleElement().asString().contains("only 0 KiB free");
    }

    @Test
    void aFreePortAndAWritableDirectoryPass() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        StartupChecks.run(config("127.0.0.1:" + port, "", root.resolve("data")), 64L << 20, PLENTY);
        assertThat(StartupChecks.portProblem("x", "nowhere.invalid:7001")).hasValueSatisfying(
                p -> assertThat(p).contains("unknown host nowhere.invalid"));
    }
}
