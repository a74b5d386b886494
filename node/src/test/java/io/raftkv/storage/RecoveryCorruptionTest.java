package io.raftkv.storage;

import io.raftkv.raft.Entry;
import io.raftkv.raft.RecoveredState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;

import static io.raftkv.storage.StorageFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Start-up on damaged files: torn tails are discarded and reported; anything else refuses to start. */
class RecoveryCorruptionTest {

    @TempDir
    Path root;

    /** A record found in a segment file: where it starts and ends, and the entry index it holds (0 if none). */
    record Frame(int start, int end, long index) {
    }

    @Test
    void tornTailCutAtAnyByteLosesOnlyTheCutRecord() throws IOException {
        Random random = new Random(42);
        for (int trial = 0; trial < 40; trial++) {
            Path dir = root.resolve("trial" + trial);
            writeLog(dir, 300);
            Path segment = lastSegment(dir);
            List<Frame> frames = frames(segment);
            Frame firstCut = frames.get(frames.size() - 1 - random.nextInt(Math.min(4, frames.size())));
            int cut = firstCut.start + 1 + random.nextInt(firstCut.end - firstCut.start - 1);
            boolean leftOnlyZeros = RecordFraming.allZero(Files.readAllBytes(segment), firstCut.start, cut);
            truncate(segment, cut);

            FileRaftStorage storage = FileRaftStorage.open(config(dir));
            RecoveredState state = storage.recover();
            long lastKept = frames.stream().filter(f -> f.end <= firstCut.start && f.index > 0)
                    .mapToLong(Frame::index).max().orElseThrow();
            assertThat(state.entries()).isEqualTo(entries(1, lastKept, 1));
            if (leftOnlyZeros) { // e.g. just the high bytes of a small length: indistinguishable from unused space
                assertThat(storage.tornTails()).isEmpty();
            } else {
                assertThat(storage.tornTails()).singleElement().satisfies(t -> {
                    assertThat(t.file()).isEqualTo(segment);
                    assertThat(t.offset()).isEqualTo(firstCut.start);
                });
            }
            storage.append(entries(lastKept + 1, lastKept + 5, 1));
            storage.sync();
            storage.close();

            try (FileRaftStorage again = FileRaftStorage.open(config(dir))) {
                assertThat(again.recover().entries()).isEqualTo(entries(1, lastKept + 5, 1));
                assertThat(again.tornTails()).isEmpty();
            }
        }
    }

    @Test
    void garbageOverTheLastRecordIsATornTailAndIsZeroed() throws IOException {
        Path dir = root.resolve("log");
        writeLog(dir, 300);
        Path segment = lastSegment(dir);
        Frame last = lastOf(frames(segment));
        byte[] garbage = new byte[last.end - last.start - 20];
        new Random(7).nextBytes(garbage);
        write(segment, last.start + 20, garbage);

        try (FileRaftStorage storage = FileRaftStorage.open(config(dir))) {
            assertThat(storage.recover().entries()).isEqualTo(entries(1, last.index - 1, 1));
            assertThat(storage.tornTails()).singleElement().satisfies(t -> {
                assertThat(t.offset()).isEqualTo(last.start);
                assertThat(t.reason()).contains("checksum mismatch");
            });
        }
        byte[] after = Files.readAllBytes(segment);
        assertThat(RecordFraming.allZero(after, last.start, after.length)).isTrue();
    }

    @Test
    void bitFlipInTheMiddleOfTheLastSegmentRefusesToStartAndChangesNothing() throws IOException {
        Path dir = root.resolve("log");
        writeLog(dir, 300);
        Path segment = lastSegment(dir);
        List<Frame> frames = frames(segment);
        Frame victim = frames.get(frames.size() / 2);
        flipBit(segment, victim.start + RecordFraming.HEADER_BYTES + 3, 5);
        byte[] before = Files.readAllBytes(segment);

        assertCorrupt(dir, segment, victim.start, "checksum mismatch", "intact record follows");
        assertThat(Files.readAllBytes(segment)).isEqualTo(before);
    }

    @Test
    void damagedLengthFieldInTheMiddleRefusesToStart() throws IOException {
        Path dir = root.resolve("log");
        writeLog(dir, 300);
        Path segment = lastSegment(dir);
        List<Frame> frames = frames(segment);
        Frame victim = frames.get(frames.size() / 2);
        flipBit(segment, victim.start + 1, 7); // the length grows by 8 MiB: past the end of the file

        assertCorrupt(dir, segment, victim.start, "runs past end of file", "intact record follows");
    }

    @Test
    void zeroedSectorInTheMiddleOfTheLastSegmentRefusesToStart() throws IOException {
        Path dir = root.resolve("log");
        writeLog(dir, 300);
        Path segment = lastSegment(dir);
        List<Frame> frames = frames(segment);
        Frame victim = frames.get(frames.size() / 2);
        write(segment, victim.start, new byte[victim.end - victim.start]);

        assertCorrupt(dir, segment, victim.start, "intact record follows");
    }

    @Test
    void damageInAnEarlierSegmentRefusesToStartEvenInItsLastRecord() throws IOException {
        Path dir = root.resolve("log");
        writeLog(dir, 300);
        Path segment = segments(dir).get(1);
        Frame last = lastOf(frames(segment));
        flipBit(segment, last.end - 1, 0);

        assertCorrupt(dir, segment, last.start, "checksum mismatch", "not the last");
    }

    @Test
    void missingSegmentRefusesToStart() throws IOException {
        Path dir = root.resolve("log");
        writeLog(dir, 300);
        List<Path> segments = segments(dir);
        Files.delete(segments.get(2));

        assertCorrupt(dir, segments.get(3), 0, "1 segment file(s) missing");
    }

    @Test
    void compactionInterruptedHalfwayIsFinishedAtStartUp() throws IOException {
        Path dir = root.resolve("log");
        FaultyFileIo io = new FaultyFileIo();
        int reachingBack;
        long anchor;
        try (FileRaftStorage storage = FileRaftStorage.open(config(dir).withFileIo(io))) {
            storage.recover();
            storage.append(entries(1, 300, 1));
            List<Path> segments = storage.segmentFiles();
            reachingBack = segments.size() - 1;
            anchor = FileRaftStorageTest.anchorOf(segments.get(reachingBack));
            // a conflicting suffix written into this segment that starts in the previous one: replaying this
            // segment needs the previous one
            storage.append(entries(anchor - 5, anchor + 5, 2));
            storage.append(entries(anchor + 6, anchor + 600, 2));
            storage.sync();
            assertThat(storage.segmentFiles().size()).isGreaterThan(reachingBack + 3);
            StorageFixtures.save(storage, anchor + 590, 2, snapshotBytes(anchor + 590, 10));
            io.deletesBeforeFailure = reachingBack; // "dies" after deleting the segments before that one
            assertThatThrownBy(() -> storage.compact(anchor + 590)).hasMessageContaining("injected");
            assertThat(segments(dir).get(0).getFileName()).isEqualTo(segments.get(reachingBack).getFileName());
        }

        RecoveredState state = reopen(config(dir));

        assertThat(state.entries()).isEqualTo(entries(anchor + 591, anchor + 600, 2));
        assertThat(FileRaftStorageTest.anchorOf(segments(dir).get(0))).isGreaterThan(anchor);
    }

    @Test
    void missingFirstSegmentAfterCompactionRefusesToStart() throws IOException {
        Path dir = root.resolve("log");
        try (FileRaftStorage storage = FileRaftStorage.open(config(dir))) {
            storage.recover();
            storage.append(entries(1, 1000, 1));
            storage.sync();
            StorageFixtures.save(storage, 500, 1, snapshotBytes(500, 10));
            storage.compact(500);
        }
        List<Path> segments = segments(dir);
        Files.delete(segments.get(0));

        assertCorrupt(dir, segments.get(1), 0, "segments are missing");
    }

    @Test
    void damagedSegmentHeaderRefusesToStart() throws IOException {
        Path dir = root.resolve("log");
        writeLog(dir, 300);
        Path segment = segments(dir).get(1);
        flipBit(segment, 20, 1);

        assertCorrupt(dir, segment, 0, "segment header checksum mismatch");
    }

    @Test
    void segmentThatDoesNotContinueItsPredecessorRefusesToStart() throws IOException {
        Path dir = root.resolve("log");
        writeLog(dir, 300);
        List<Path> segments = segments(dir);
        Files.delete(segments.get(segments.size() - 1));
        Files.move(segments.get(2), segments.get(2).resolveSibling(
                String.format("%016x-%s", segments.size(), segments.get(2).getFileName().toString().substring(17))));
        // the renamed file now claims a sequence number it was not written with

        assertThatThrownBy(() -> reopen(config(dir))).isInstanceOf(CorruptStorageException.class);
    }

    @Test
    void damagedSnapshotDataRefusesToStart() throws IOException {
        Path dir = root.resolve("log");
        writeLog(dir, 300);
        try (FileRaftStorage storage = FileRaftStorage.open(config(dir))) {
            storage.recover();
            StorageFixtures.save(storage, 200, 1, snapshotBytes(200, 9000));
        }
        Path snapshot = dir.resolve("snap").resolve(SnapshotFile.fileName(200, 1));
        int headerLength = SnapshotFile.headerLength(MEMBERS);
        flipBit(snapshot, headerLength + 5000, 3);

        assertCorrupt(dir, snapshot, headerLength, "snapshot data checksum mismatch");
    }

    @Test
    void damagedSnapshotHeaderRefusesToStart() throws IOException {
        Path dir = root.resolve("log");
        writeLog(dir, 300);
        try (FileRaftStorage storage = FileRaftStorage.open(config(dir))) {
            storage.recover();
            StorageFixtures.save(storage, 200, 1, snapshotBytes(200, 100));
        }
        Path snapshot = dir.resolve("snap").resolve(SnapshotFile.fileName(200, 1));
        flipBit(snapshot, 14, 0);

        assertCorrupt(dir, snapshot, 0, "snapshot header checksum mismatch");
    }

    @Test
    void deletedLogWithASnapshotPresentRefusesToStart() throws IOException {
        Path dir = root.resolve("log");
        writeLog(dir, 300);
        try (FileRaftStorage storage = FileRaftStorage.open(config(dir))) {
            storage.recover();
            StorageFixtures.save(storage, 200, 1, snapshotBytes(200, 100));
        }
        for (Path segment : segments(dir)) {
            Files.delete(segment);
        }

        assertThatThrownBy(() -> reopen(config(dir))).isInstanceOf(CorruptStorageException.class)
                .hasMessageContaining("no log segments").hasMessageContaining(dir.resolve("wal").toString());
    }

    private static void assertCorrupt(Path dir, Path file, long offset, String... fragments) {
        assertThatThrownBy(() -> reopen(config(dir))).isInstanceOfSatisfying(CorruptStorageException.class, e -> {
            assertThat(e.file()).isEqualTo(file);
            assertThat(e.offset()).isEqualTo(offset);
            assertThat(e.getMessage()).contains(file.toString()).contains("offset " + offset).contains(fragments)
                    .contains("Refusing to start");
        });
    }

    /** Writes entries 1..count of term 1, one record each, and syncs. */
    static void writeLog(Path dir, long count) throws IOException {
        try (FileRaftStorage storage = FileRaftStorage.open(config(dir))) {
            storage.recover();
            storage.append(entries(1, count, 1));
            storage.sync();
        }
    }

    static List<Frame> frames(Path segment) throws IOException {
        byte[] bytes = Files.readAllBytes(segment);
        CRC32C crc = new CRC32C();
        List<Frame> frames = new ArrayList<>();
        int off = SegmentHeader.BYTES;
        while (off < bytes.length && RecordFraming.problem(bytes, off, bytes.length, crc) == null) {
            int length = RecordFraming.payloadLength(bytes, off);
            long index = 0;
            if (RecordFraming.type(bytes, off) == RecordType.ENTRY) {
                Entry e = WalRecords.entry(bytes, off + RecordFraming.HEADER_BYTES, length);
                index = e.index();
            }
            int end = off + RecordFraming.HEADER_BYTES + length;
            frames.add(new Frame(off, end, index));
            off = end;
        }
        return frames;
    }

    static Frame lastOf(List<Frame> frames) {
        return frames.get(frames.size() - 1);
    }

    static void truncate(Path file, long length) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(length);
        }
    }

    static void write(Path file, long offset, byte[] bytes) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offset);
            raf.write(bytes);
        }
    }

    static void flipBit(Path file, long offset, int bit) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offset);
            int b = raf.read();
            raf.seek(offset);
            raf.write(b ^ (1 << bit));
        }
    }
}
