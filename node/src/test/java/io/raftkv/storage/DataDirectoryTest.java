package io.raftkv.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static io.raftkv.storage.StorageFixtures.CLUSTER;
import static io.raftkv.storage.StorageFixtures.NODE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DataDirectoryTest {

    @TempDir
    Path root;

    @Test
    void identityIsRecordedOnFirstUseAndAcceptedAfterwards() throws IOException {
        Path dir = root.resolve("data");
        DataDirectory.open(dir, CLUSTER, NODE, FileIo.DEFAULT).close();
        try (DataDirectory reopened = DataDirectory.open(dir, CLUSTER, NODE, FileIo.DEFAULT)) {
            assertThat(reopened.walDir()).isDirectory();
            assertThat(reopened.snapshotDir()).isDirectory();
        }
        assertThat(Files.readString(dir.resolve("IDENTITY"))).contains("cluster=" + CLUSTER).contains("node=1");
    }

    @Test
    void recordedNodeIdIsZeroUntilTheDirectoryIsFirstUsed() throws IOException {
        Path dir = root.resolve("data");
        assertThat(DataDirectory.recordedNodeId(dir)).isZero();
        long fresh = 0x7123_4567_89ab_cdefL;
        DataDirectory.open(dir, CLUSTER, fresh, FileIo.DEFAULT).close();
        assertThat(DataDirectory.recordedNodeId(dir)).isEqualTo(fresh);
    }

    @Test
    void directoryOfAnotherClusterOrNodeIsRefused() throws IOException {
        Path dir = root.resolve("data");
        DataDirectory.open(dir, CLUSTER, NODE, FileIo.DEFAULT).close();

        assertThatThrownBy(() -> DataDirectory.open(dir, "other-cluster", NODE, FileIo.DEFAULT))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("belongs to cluster '" + CLUSTER + "', not 'other-cluster'");
        assertThatThrownBy(() -> DataDirectory.open(dir, CLUSTER, 2, FileIo.DEFAULT))
                .isInstanceOf(IOException.class).hasMessageContaining("belongs to node 1").hasMessageContaining("not node 2");
        // a refused open releases the lock: the rightful owner can still start
        DataDirectory.open(dir, CLUSTER, NODE, FileIo.DEFAULT).close();
    }

    @Test
    void dataWithoutIdentityIsRefused() throws IOException {
        Path dir = root.resolve("data");
        Files.createDirectories(dir.resolve("wal"));

        assertThatThrownBy(() -> DataDirectory.open(dir, CLUSTER, NODE, FileIo.DEFAULT))
                .isInstanceOf(IOException.class).hasMessageContaining("holds data but no IDENTITY");
    }

    @Test
    void damagedIdentityIsRefused() throws IOException {
        Path dir = root.resolve("data");
        DataDirectory.open(dir, CLUSTER, NODE, FileIo.DEFAULT).close();
        Path identity = dir.resolve("IDENTITY");
        Files.writeString(identity, Files.readString(identity).replace("node=1", "node=7"));

        assertThatThrownBy(() -> DataDirectory.open(dir, CLUSTER, 7, FileIo.DEFAULT))
                .isInstanceOf(CorruptStorageException.class).hasMessageContaining(identity.toString());
    }

    @Test
    void secondOpenInTheSameProcessIsRefused() throws IOException {
        Path dir = root.resolve("data");
        try (DataDirectory first = DataDirectory.open(dir, CLUSTER, NODE, FileIo.DEFAULT)) {
            assertThatThrownBy(() -> DataDirectory.open(dir, CLUSTER, NODE, FileIo.DEFAULT))
                    .isInstanceOf(IOException.class).hasMessageContaining("already open in this process");
            assertThat(first.root()).isEqualTo(dir);
        }
    }

    @Test
    void directoryHeldByAnotherProcessIsRefusedUntilThatProcessDies() throws Exception {
        Path dir = root.resolve("data");
        Path stderr = root.resolve("child.err");
        Process child = ChildJvm.start(LockHolderChild.class, stderr, dir.toString());
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine(); // blocks until the child holds the lock, or it exits
            assertThat(line).as("child output; stderr: %s", ChildJvm.tail(stderr)).startsWith("LOCKED");

            assertThatThrownBy(() -> DataDirectory.open(dir, CLUSTER, NODE, FileIo.DEFAULT))
                    .isInstanceOf(IOException.class).hasMessageContaining("in use by another process")
                    .hasMessageContaining("(pid " + child.pid() + ")");
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        DataDirectory.open(dir, CLUSTER, NODE, FileIo.DEFAULT).close(); // the lock died with its holder
    }
}
