package io.raftkv.storage;

import io.raftkv.raft.SnapshotMeta;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static io.raftkv.storage.StorageFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SnapshotRetentionTest {

    @TempDir
    Path dir;

    @Test
    void onlyTheNewestSnapshotsAreKept() throws IOException {
        StorageConfig config = config(dir).withSnapshotsRetained(2);
        SnapshotMeta[] saved = new SnapshotMeta[4];
        try (FileRaftStorage storage = FileRaftStorage.open(config)) {
            storage.recover();
            storage.append(entries(1, 400, 1));
            storage.sync();
            for (int i = 0; i < 4; i++) {
                long index = 100L * (i + 1);
                saved[i] = StorageFixtures.save(storage, index, 1, snapshotBytes(index, 1000));
            }
            assertThat(snapshotFiles()).containsExactly(SnapshotFile.fileName(300, 1), SnapshotFile.fileName(400, 1));
            assertThatThrownBy(() -> storage.openSnapshot(saved[1])).hasMessageContaining("no snapshot at index 200");
            try (InputStream in = storage.openSnapshot(saved[2])) { // a retained older one stays readable
                assertThat(in.readAllBytes()).isEqualTo(snapshotBytes(300, 1000));
            }
        }

        assertThat(reopen(config).snapshot()).isEqualTo(saved[3]);
    }

    @Test
    void leftoversOfInterruptedSnapshotWritesAreDeletedAtStartUp() throws IOException {
        try (FileRaftStorage storage = FileRaftStorage.open(config(dir))) {
            storage.recover();
        }
        Path snap = dir.resolve("snap");
        Files.write(snap.resolve(SnapshotFile.fileName(5, 1) + ".1.tmp"), new byte[100]);
        Files.write(snap.resolve("recv-" + SnapshotFile.fileName(6, 1) + ".tmp"), new byte[100]);

        assertThat(reopen(config(dir)).snapshot().index()).isZero();
        assertThat(snapshotFiles()).isEmpty();
    }

    @Test
    void aWriterThatFailsLeavesNoSnapshotBehind() throws IOException {
        try (FileRaftStorage storage = FileRaftStorage.open(config(dir))) {
            storage.recover();
            storage.append(entries(1, 10, 1));
            storage.sync();
            assertThatThrownBy(() -> storage.saveSnapshot(10, 1, MEMBERS, out -> {
                out.write(new byte[5000]);
                throw new IOException("state machine failed mid-snapshot");
            })).hasMessageContaining("mid-snapshot");
        }

        assertThat(snapshotFiles()).isEmpty();
        assertThat(reopen(config(dir)).entries()).hasSize(10);
    }

    @Test
    void aSavedSnapshotIsDescribedWithTheSizeItsWriterWroteInOnePass() throws IOException {
        SnapshotMeta saved;
        int[] passes = {0};
        try (FileRaftStorage storage = FileRaftStorage.open(config(dir))) {
            storage.recover();
            storage.append(entries(1, 10, 1));
            storage.sync();
            saved = storage.saveSnapshot(10, 1, MEMBERS, out -> {
                passes[0]++;
                out.write(new byte[99]);
            });
        }

        assertThat(passes[0]).isEqualTo(1);
        assertThat(saved).isEqualTo(new SnapshotMeta(10, 1, MEMBERS, 99));
        assertThat(reopen(config(dir)).snapshot()).isEqualTo(saved);
    }

    private java.util.List<String> snapshotFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("snap"))) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }
}
