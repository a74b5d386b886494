package io.raftkv.storage;

import io.raftkv.raft.Entry;
import io.raftkv.raft.HardState;
import io.raftkv.raft.Membership;
import io.raftkv.raft.RecoveredState;
import io.raftkv.raft.SnapshotMeta;
import io.raftkv.raft.message.InstallSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.raftkv.storage.StorageFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileRaftStorageTest {

    @TempDir
    Path dir;

    @Test
    void newDirectoryRecoversAsAJoiningNode() throws IOException {
        RecoveredState state = reopen(config(dir));

        assertThat(state).isEqualTo(RecoveredState.joining());
    }

    @Test
    void bootstrapMembershipSurvivesRestartOnceSaved() throws IOException {
        try (FileRaftStorage storage = FileRaftStorage.open(config(dir))) {
            storage.recover();
            storage.saveSnapshot(0, 0, MEMBERS, out -> { });
        }

        assertThat(reopen(config(dir))).isEqualTo(RecoveredState.bootstrap(MEMBERS));
    }

    @Test
    void entriesAndLastHardStateSurviveRestartAcrossManySegments() throws IOException {
        List<Entry> written = new ArrayList<>();
        try (FileRaftStorage storage = FileRaftStorage.open(config(dir))) {
            storage.recover();
            for (long first = 1; first <= 2000; first += 37) {
                List<Entry> batch = entries(first, Math.min(first + 36, 2000), 1 + first / 500);
                storage.append(batch);
                storage.saveHardState(new HardState(1 + first / 500, 2, first));
                storage.sync();
                written.addAll(batch);
            }
            assertThat(storage.segmentFiles()).hasSizeGreaterThan(10);
        }

        RecoveredState state = reopen(config(dir));

        assertThat(state.entries()).isEqualTo(written);
        assertThat(state.hardState()).isEqualTo(new HardState(4, 2, 1999));
    }

    @Test
    void conflictingSuffixIsReplacedEvenWhenItStartsInAnEarlierSegment() throws IOException {
        try (FileRaftStorage storage = FileRaftStorage.open(config(dir))) {
            storage.recover();
            storage.append(entries(1, 500, 1));
            storage.sync();
            int segmentsBefore = storage.segmentFiles().size();
            storage.append(entries(20, 30, 2)); // index 20 lives in the first segment
            storage.sync();
            assertThat(segmentsBefore).isGreaterThan(2);
        }

        RecoveredState state = reopen(config(dir));

        List<Entry> expected = new ArrayList<>(entries(1, 19, 1));
        expected.addAll(entries(20, 30, 2));
        assertThat(state.entries()).isEqualTo(expected);
    }

    @Test
    void writesAfterTheLastSyncMayBeLostButEverythingBeforeItSurvives() throws IOException {
        try (FileRaftStorage storage = FileRaftStorage.open(config(dir))) {
            storage.recover();
            storage.append(entries(1, 100, 1));
            storage.sync();
            storage.append(entries(101, 150, 1));
        }

        List<Entry> recovered = reopen(config(dir)).entries();

        assertThat(recovered.size()).isBetween(100, 150);
        assertThat(recovered).isEqualTo(entries(1, recovered.size(), 1));
    }

    @Test
    void invalidAppendsAreRefusedAndWriteNothing() throws IOException {
        try (FileRaftStorage storage = FileRaftStorage.open(config(dir))) {
            storage.recover();
            storage.append(entries(1, 10, 2));
            storage.sync();
            assertThatThrownBy(() -> storage.append(entries(12, 13, 2)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot append at index 12");
            assertThatThrownBy(() -> storage.append(List.of(entry(11, 2), entry(13, 2))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("consecutive");
            assertThatThrownBy(() -> storage.append(entries(11, 12, 1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("non-decreasing terms");
            storage.sync();
        }

        assertThat(reopen(config(dir)).entries()).isEqualTo(entries(1, 10, 2));
    }

    @Test
    void compactionDeletesCoveredSegmentsAndRecoveryStartsFromTheSnapshot() throws IOException {
        byte[] state = snapshotBytes(600, 5000);
        try (FileRaftStorage storage = FileRaftStorage.open(config(dir))) {
            storage.recover();
            storage.append(entries(1, 1000, 1));
            storage.saveHardState(new HardState(1, 1, 100));
            storage.sync();
            int before = storage.segmentFiles().size();
            StorageFixtures.save(storage, 600, 1, state);
            storage.compact(600);
            List<Path> kept = storage.segmentFiles();
            assertThat(kept.size()).isLessThan(before);
            assertThat(anchorOf(kept.get(0))).isLessThanOrEqualTo(600); // it holds entry 600's successor
            assertThat(anchorOf(kept.get(1))).isGreaterThan(600); // and nothing older than needed is kept
            assertThatThrownBy(() -> storage.compact(601)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("newest durable snapshot is at index 600");
        }

        try (FileRaftStorage storage = FileRaftStorage.open(config(dir))) {
            RecoveredState recovered = storage.recover();
            assertThat(recovered.snapshot()).isEqualTo(new SnapshotMeta(600, 1, MEMBERS, state.length));
            assertThat(recovered.entries()).isEqualTo(entries(601, 1000, 1));
            assertThat(recovered.hardState()).isEqualTo(new HardState(1, 1, 600)); // commit raised to the snapshot
            try (InputStream in = storage.openSnapshot(recovered.snapshot())) {
                assertThat(in.readAllBytes()).isEqualTo(state);
            }
            assertThatThrownBy(() -> storage.append(entries(600, 600, 1)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void receivedSnapshotReplacesTheWholeLogEvenWhenTheLogHoldsItsEntry() throws IOException {
        byte[] state = snapshotBytes(300, 10_000);
        SnapshotMeta meta = new SnapshotMeta(300, 1, MEMBERS, state.length);
        try (FileRaftStorage storage = FileRaftStorage.open(config(dir))) {
            storage.recover();
            storage.append(entries(1, 500, 1));
            storage.sync();
            receive(storage, meta, state, 4096);
            storage.installSnapshot(meta);
            storage.sync();
        }

        RecoveredState recovered = reopen(config(dir));

        assertThat(recovered.snapshot()).isEqualTo(meta);
        assertThat(recovered.entries()).isEmpty(); // §7: the snapshot replaces the log; entries come by append
    }

    @Test
    void localSnapshotKeepsTheEntriesAfterIt() throws IOException {
        try (FileRaftStorage storage = FileRaftStorage.open(config(dir))) {
            storage.recover();
            storage.append(entries(1, 500, 1));
            storage.sync();
            StorageFixtures.save(storage, 300, 1, snapshotBytes(300, 10));
        }

        RecoveredState recovered = reopen(config(dir));

        assertThat(recovered.snapshot().index()).isEqualTo(300);
        assertThat(recovered.entries()).isEqualTo(entries(301, 500, 1));
    }

    @Test
    void receivedSnapshotThatDisagreesWithTheLogReplacesIt() throws IOException {
        byte[] state = snapshotBytes(400, 3000);
        SnapshotMeta meta = new SnapshotMeta(400, 2, MEMBERS, state.length);
        try (FileRaftStorage storage = FileRaftStorage.open(config(dir))) {
            storage.recover();
            storage.append(entries(1, 500, 1));
            storage.sync();
            receive(storage, meta, state, 1000);
            storage.installSnapshot(meta);
            storage.append(entries(401, 410, 2));
            storage.sync();
        }

        RecoveredState recovered = reopen(config(dir));

        assertThat(recovered.snapshot()).isEqualTo(meta);
        assertThat(recovered.entries()).isEqualTo(entries(401, 410, 2));
    }

    @Test
    void snapshotMadeDurableJustBeforeACrashStillReplacesTheDisagreeingLog() throws IOException {
        byte[] state = snapshotBytes(400, 3000);
        SnapshotMeta meta = new SnapshotMeta(400, 2, MEMBERS, state.length);
        try (FileRaftStorage storage = FileRaftStorage.open(config(dir))) {
            storage.recover();
            storage.append(entries(1, 500, 1));
            storage.sync();
            receive(storage, meta, state, 1000);
            storage.installSnapshot(meta); // the snapshot file is durable; the log's record of it never synced
        }

        try (FileRaftStorage storage = FileRaftStorage.open(config(dir))) {
            RecoveredState recovered = storage.recover();
            assertThat(recovered.snapshot()).isEqualTo(meta);
            assertThat(recovered.entries()).isEmpty();
            storage.append(entries(401, 420, 2));
            storage.sync();
        }

        assertThat(reopen(config(dir)).entries()).isEqualTo(entries(401, 420, 2));
    }

    @Test
    void chunksAreDurableAtSyncAndAStreamThatRestartsFromZeroReplacesThePartialOne() throws IOException {
        byte[] state = snapshotBytes(50, 5000);
        SnapshotMeta meta = new SnapshotMeta(50, 1, MEMBERS, state.length);
        try (FileRaftStorage storage = FileRaftStorage.open(config(dir))) {
            storage.recover();
            storage.append(entries(1, 60, 1));
            storage.writeSnapshotChunk(chunk(meta, state, 0, 2000));
            assertThatThrownBy(() -> storage.writeSnapshotChunk(chunk(meta, state, 3000, 1000)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gap");
            assertThatThrownBy(() -> storage.installSnapshot(meta)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("received 2000 of its 5000 bytes");
            receive(storage, meta, state, 700);
            storage.installSnapshot(meta);
            storage.sync();
        }

        try (FileRaftStorage storage = FileRaftStorage.open(config(dir))) {
            RecoveredState recovered = storage.recover();
            assertThat(recovered.snapshot()).isEqualTo(meta);
            assertThat(recovered.entries()).isEmpty();
            try (InputStream in = storage.openSnapshot(meta)) {
                assertThat(in.readAllBytes()).isEqualTo(state);
            }
        }
    }

    @Test
    void snapshotReaderServesChunksOfStoredSnapshots() throws IOException {
        byte[] state = snapshotBytes(10, 10_000);
        try (FileRaftStorage storage = FileRaftStorage.open(config(dir))) {
            storage.recover();
            storage.append(entries(1, 10, 1));
            storage.sync();
            SnapshotMeta meta = StorageFixtures.save(storage, 10, 1, state);
            ByteArrayBuilder read = new ByteArrayBuilder();
            for (long offset = 0; offset < meta.sizeBytes(); ) {
                byte[] chunk = storage.snapshotReader().read(meta, offset, 3000);
                assertThat(chunk.length).isEqualTo((int) Math.min(3000, meta.sizeBytes() - offset));
                read.add(chunk);
                offset += chunk.length;
            }
            assertThat(read.bytes()).isEqualTo(state);
            assertThatThrownBy(() -> storage.snapshotReader().read(meta(9, 1), 0, 10))
                    .isInstanceOf(java.io.UncheckedIOException.class).hasMessageContaining("no snapshot at index 9");
        }
    }

    @Test
    void recoverIsRequiredFirstAndRunsOnce() throws IOException {
        try (FileRaftStorage storage = FileRaftStorage.open(config(dir))) {
            assertThatThrownBy(() -> storage.append(entries(1, 1, 1))).isInstanceOf(IllegalStateException.class);
            storage.recover();
            assertThatThrownBy(storage::recover).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void emptyMembershipAndLargeEntriesRoundTrip() throws IOException {
        byte[] big = new byte[100_000]; // larger than a whole segment
        Arrays.fill(big, (byte) 7);
        try (FileRaftStorage storage = FileRaftStorage.open(config(dir))) {
            storage.recover();
            storage.append(List.of(entry(1, 1), Entry.normal(2, 1, big), entry(3, 1)));
            storage.sync();
            storage.append(entries(4, 200, 1));
            storage.sync();
        }

        List<Entry> expected = new ArrayList<>(List.of(entry(1, 1), Entry.normal(2, 1, big), entry(3, 1)));
        expected.addAll(entries(4, 200, 1));
        assertThat(reopen(config(dir)).entries()).isEqualTo(expected);
        assertThat(Membership.decode(Membership.EMPTY.encode())).isEqualTo(Membership.EMPTY);
    }

    static long anchorOf(Path segment) {
        return Long.parseLong(segment.getFileName().toString().substring(17, 33), 16);
    }

    static void receive(FileRaftStorage storage, SnapshotMeta meta, byte[] state, int chunkBytes) throws IOException {
        for (int offset = 0; offset < state.length || offset == 0; offset += chunkBytes) {
            storage.writeSnapshotChunk(chunk(meta, state, offset, Math.min(chunkBytes, state.length - offset)));
            if (state.length == 0) {
                break;
            }
        }
    }

    static InstallSnapshot chunk(SnapshotMeta meta, byte[] state, int offset, int length) {
        return new InstallSnapshot(2, 1, meta.term(), meta, offset, Arrays.copyOfRange(state, offset, offset + length),
                offset + length == state.length);
    }

    /** Collects byte arrays. */
    static final class ByteArrayBuilder {
        private final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();

        void add(byte[] bytes) {
            out.writeBytes(bytes);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
