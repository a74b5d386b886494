package io.raftkv.storage;

import io.raftkv.raft.Entry;
import io.raftkv.raft.HardState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Reads the log back at start-up, applying its records in order exactly as they were applied when written
 * (appends replace the suffix they overlap, an installed snapshot empties the log, the last hard state wins).
 *
 * <p>What it accepts and what it refuses: a partial or checksum-failing record at the end of the <em>last</em>
 * segment, followed by nothing intact, is a torn write of data never acknowledged (acknowledgement waits for
 * fsync), so it is zeroed and reported with file and offset. Any other damage — a bad record with intact ones
 * after it, a bad record in an earlier segment, a missing segment, a segment that does not continue its
 * predecessor — throws {@link CorruptStorageException} naming file and offset, and nothing is modified.
 */
final class LogReplay {

    private static final Logger log = LoggerFactory.getLogger(LogReplay.class);

    /** The log as found on disk. {@code entries} are those after {@code terms.anchorIndex()}. */
    record Result(List<SegmentInfo> segments, long activeEnd, TermIndex terms, ArrayList<Entry> entries,
                  HardState hardState, long newestSnapshotRecord, List<TornTail> tornTails) {
    }

    private final Path dir;
    private final FileIo io;
    private final CRC32C crc = new CRC32C();
    private final List<SegmentInfo> segments = new ArrayList<>();
    private final ArrayList<Entry> entries = new ArrayList<>();
    private final List<TornTail> tornTails = new ArrayList<>();
    private TermIndex terms = new TermIndex(0, 0);
    private HardState hardState = HardState.EMPTY;
    private long newestSnapshotRecord;
    private byte[] buf = new byte[0];

    private LogReplay(Path dir, FileIo io) {
        this.dir = dir;
        this.io = io;
    }

    static Result replay(Path dir, FileIo io) throws IOException {
        return new LogReplay(dir, io).run();
    }

    private Result run() throws IOException {
        List<Path> files = listSegments();
        long activeEnd = 0;
        for (int i = 0; i < files.size(); i++) {
            activeEnd = replaySegment(files.get(i), i == 0, i == files.size() - 1);
        }
        return new Result(segments, activeEnd, terms, entries, hardState, newestSnapshotRecord, tornTails);
    }

    private List<Path> listSegments() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> listing = Files.list(dir)) {
            for (Path file : (Iterable<Path>) listing::iterator) {
                String name = file.getFileName().toString();
                if (name.endsWith(".tmp")) {
                    io.delete(file); // a spare segment, or one whose creation did not complete
                } else if (SegmentHeader.seqOf(name) >= 0) {
                    files.add(file);
                } else if (!name.equals(LogStart.NAME)) {
                    log.warn("ignoring unexpected file {} in the log directory", file);
                }
            }
        }
        files.sort(Comparator.comparingLong(f -> SegmentHeader.seqOf(f.getFileName().toString())));
        long start = LogStart.read(dir, io);
        while (!files.isEmpty() && SegmentHeader.seqOf(files.get(0).getFileName().toString()) < start) {
            log.info("deleting {}: compacted away, its deletion was interrupted", files.get(0));
            io.delete(files.remove(0));
        }
        if (!files.isEmpty() && start > 0 && SegmentHeader.seqOf(files.get(0).getFileName().toString()) != start) {
            throw new CorruptStorageException(files.get(0), 0, "the log starts at segment " + start
                    + " (" + LogStart.NAME + "), but the first segment present is this one: segments are missing");
        }
        for (int i = 1; i < files.size(); i++) {
            long previous = SegmentHeader.seqOf(files.get(i - 1).getFileName().toString());
            long seq = SegmentHeader.seqOf(files.get(i).getFileName().toString());
            if (seq != previous + 1) {
                throw new CorruptStorageException(files.get(i), 0, "log segment sequence jumps from " + previous
                        + " to " + seq + ": " + (seq - previous - 1) + " segment file(s) missing before it");
            }
        }
        return files;
    }

    /** @return where valid data ends in this segment */
    private long replaySegment(Path file, boolean first, boolean last) throws IOException {
        int length = readFully(file);
        SegmentHeader header = SegmentHeader.decode(buf, length, file);
        if (first) {
            terms = new TermIndex(header.anchorIndex(), header.anchorTerm());
        } else if (header.anchorIndex() != terms.lastIndex() || header.anchorTerm() != terms.lastTerm()) {
            throw new CorruptStorageException(file, 0, "segment continues the log after index "
                    + header.anchorIndex() + " term " + header.anchorTerm() + ", but the previous segment ends at"
                    + " index " + terms.lastIndex() + " term " + terms.lastTerm());
        }
        SegmentInfo segment = new SegmentInfo(header, file);
        segments.add(segment);

        int off = SegmentHeader.BYTES;
        String problem = null;
        while (off < length) {
            problem = RecordFraming.problem(buf, off, length, crc);
            if (problem != null) {
                if (RecordFraming.allZero(buf, off, length)) {
                    problem = null; // preallocated space never written: the end of the log
                }
                break;
            }
            int payloadLength = RecordFraming.payloadLength(buf, off);
            try {
                apply(RecordFraming.type(buf, off), off + RecordFraming.HEADER_BYTES, payloadLength, segment);
            } catch (IllegalArgumentException e) {
                throw new CorruptStorageException(file, off, e.getMessage());
            }
            off += RecordFraming.HEADER_BYTES + payloadLength;
        }
        if (problem == null) {
            return off;
        }
        if (!last) {
            throw new CorruptStorageException(file, off, problem + " in a segment that is not the last");
        }
        int intact = RecordFraming.findIntactRecord(buf, off + 1, length, crc);
        if (intact >= 0) {
            throw new CorruptStorageException(file, off, problem + "; an intact record follows at offset " + intact
                    + ", so this is damage inside the log, not a torn write at its end");
        }
        discardTornTail(file, off, length, problem);
        return off;
    }

    private void apply(RecordType type, int payload, int payloadLength, SegmentInfo segment) {
        switch (type) {
            case ENTRY -> {
                Entry entry = WalRecords.entry(buf, payload, payloadLength);
                long previousLast = terms.lastIndex();
                terms.append(entry.index(), entry.term());
                if (entry.index() <= previousLast) {
                    entries.subList((int) (entry.index() - terms.anchorIndex() - 1), entries.size()).clear();
                }
                entries.add(entry);
                segment.referenced(entry.index() - 1);
            }
            case HARD_STATE -> hardState = WalRecords.hardState(buf, payload, payloadLength);
            case SNAPSHOT -> {
                long[] snapshot = WalRecords.snapshot(buf, payload, payloadLength);
                if (snapshot[0] < terms.anchorIndex()) {
                    throw new IllegalArgumentException("snapshot record at index " + snapshot[0]
                            + " is older than the log's base at " + terms.anchorIndex());
                }
                terms.reset(snapshot[0], snapshot[1]);
                entries.clear();
                newestSnapshotRecord = Math.max(newestSnapshotRecord, snapshot[0]);
                segment.referenced(snapshot[0]);
            }
            default -> throw new IllegalArgumentException("unhandled record type " + type);
        }
    }

    private void discardTornTail(Path file, int from, int length, String problem) throws IOException {
        int end = length;
        while (end > from && buf[end - 1] == 0) {
            end--;
        }
        log.warn("log segment {}: torn write at offset {} ({}); discarding {} bytes that were never acknowledged",
                file, from, problem, end - from);
        try (FileChannel channel = io.open(file, StandardOpenOption.WRITE)) {
            SnapshotFile.writeFully(channel, ByteBuffer.allocate(end - from), from);
            channel.force(false);
        }
        tornTails.add(new TornTail(file, from, end - from, problem));
    }

    private int readFully(Path file) throws IOException {
        try (FileChannel channel = io.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size > Integer.MAX_VALUE - 16) {
                throw new CorruptStorageException(file, 0, "segment of " + size + " bytes is larger than any this"
                        + " build writes");
            }
            int length = (int) size;
            if (buf.length < length) {
                buf = new byte[length];
            }
            int position = 0;
            while (position < length) {
                int n = channel.read(ByteBuffer.wrap(buf, position, Math.min(length - position, 8 << 20)), position);
                if (n < 0) {
                    break;
                }
                position += n;
            }
            return position;
        }
    }
}
