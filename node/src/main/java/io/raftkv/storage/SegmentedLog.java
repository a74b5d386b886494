package io.raftkv.storage;

import io.raftkv.raft.Entry;
import io.raftkv.raft.HardState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The write-ahead log: an append-only sequence of segment files holding entries, hard states and records of
 * installed snapshots. Nothing is ever rewritten in place: a conflicting suffix is replaced by appending the new entries
 * (replay applies them over the old ones, as etcd's WAL does), so a crash can only lose a suffix of what was
 * written since the last sync, never damage what came before.
 *
 * <p>Records are encoded into a memory buffer and written to the file when the buffer fills or at
 * {@link #sync()}, which then calls fdatasync once for everything since the previous sync (group commit). A
 * segment that fills up is synced and closed, and the next one starts with a copy of the current hard state, so
 * deleting old segments never loses it.
 *
 * <p>After any I/O error the log refuses all further work: after a failed fsync the kernel may have dropped the
 * dirty pages, and a retried fsync could report success for data that is gone ("fsyncgate").
 */
final class SegmentedLog implements Closeable {

    private static final Logger log = LoggerFactory.getLogger(SegmentedLog.class);
    private static final int BUFFER_BYTES = 1 << 20;

    private final Path dir;
    private final long segmentBytes;
    private final FileIo io;
    private final SegmentAllocator allocator;
    private final List<SegmentInfo> segments;
    private final TermIndex terms;
    private final CRC32C crc = new CRC32C();
    private final Object compaction = new Object();
    private HardState hardState;
    private FileChannel active;
    /** File offset in the active segment where {@link #buffer}'s first byte goes. */
    private long bufferStart;
    private ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES);
    private boolean unsynced;
    private IOException failure;

    private SegmentedLog(Path dir, long segmentBytes, boolean preallocate, FileIo io, LogReplay.Result replayed) {
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        this.io = io;
        this.allocator = new SegmentAllocator(dir, segmentBytes, preallocate, io);
        this.segments = new ArrayList<>(replayed.segments());
        this.terms = replayed.terms();
        this.hardState = replayed.hardState();
        this.bufferStart = replayed.activeEnd();
    }

    /** Continues the log found by {@code replayed}, creating its first segment if it has none. */
    static SegmentedLog open(Path dir, long segmentBytes, boolean preallocate, FileIo io, LogReplay.Result replayed)
            throws IOException {
        SegmentedLog wal = new SegmentedLog(dir, segmentBytes, preallocate, io, replayed);
        try {
            if (wal.segments.isEmpty()) {
                wal.startSegment(new SegmentHeader(1, wal.terms.anchorIndex(), wal.terms.anchorTerm()));
            } else {
                wal.active = io.open(wal.segments.get(wal.segments.size() - 1).path, StandardOpenOption.WRITE);
            }
        } catch (IOException | RuntimeException e) {
            wal.close();
            throw e;
        }
        return wal;
    }

    /**
     * Appends entries, replacing the stored suffix from the first one's index if it is at or below the last
     * index (§5.3).
     *
     * @throws IllegalArgumentException (writing nothing) if the entries are not consecutive, leave a gap, lower
     *         the term, or rewrite an index a snapshot or compaction already covers
     */
    synchronized void append(List<Entry> entries) throws IOException {
        checkUsable();
        if (entries.isEmpty()) {
            return;
        }
        validate(entries);
        for (Entry entry : entries) {
            reserve(WalRecords.entryFrameBytes(entry));
            current().referenced(entry.index() - 1); // after reserve: the record may open a new segment
            WalRecords.putEntry(buffer, entry, crc);
            terms.append(entry.index(), entry.term());
        }
    }

    synchronized void saveHardState(HardState state) throws IOException {
        checkUsable();
        reserve(WalRecords.hardStateFrameBytes());
        WalRecords.putHardState(buffer, state, crc);
        hardState = state;
    }

    /**
     * Records that the snapshot (index, term) replaced the log (the snapshot file must already be durable): the
     * log is now empty and continues after that entry.
     */
    synchronized void recordSnapshot(long index, long term) throws IOException {
        checkUsable();
        if (index < segments.get(0).header.anchorIndex() || index < terms.anchorIndex()) {
            throw new IllegalArgumentException("snapshot at index " + index + " is older than the log's base at "
                    + Math.max(segments.get(0).header.anchorIndex(), terms.anchorIndex()));
        }
        reserve(WalRecords.snapshotFrameBytes());
        WalRecords.putSnapshot(buffer, index, term, crc);
        current().referenced(index);
        terms.reset(index, term);
    }

    /** Makes everything appended so far durable: one write of the buffer and one fdatasync. */
    synchronized void sync() throws IOException {
        checkUsable();
        if (!unsynced && buffer.position() == 0) {
            return;
        }
        try {
            flushBuffer();
            active.force(false);
            unsynced = false;
        } catch (IOException e) {
            throw fail(e);
        }
    }

    /**
     * Deletes the oldest segments that hold nothing after {@code index} that recovery would need: it keeps the
     * latest segment whose anchor is at or below {@code index} and from which every later record can be
     * replayed, and deletes everything before it. The caller guarantees a durable snapshot covers
     * {@code index}. The files are deleted outside the log's lock, so appends and syncs do not wait for it.
     *
     * @return how many segment files were deleted
     */
    int compact(long index) throws IOException {
        synchronized (compaction) {
            List<SegmentInfo> obsolete;
            synchronized (this) {
                long lowestLaterReference = Long.MAX_VALUE;
                int keepFrom = 0;
                for (int j = segments.size() - 1; j >= 0; j--) {
                    SegmentInfo segment = segments.get(j);
                    lowestLaterReference = Math.min(lowestLaterReference, segment.minReferencedIndex());
                    if (segment.header.anchorIndex() <= index && lowestLaterReference >= segment.header.anchorIndex()) {
                        keepFrom = j;
                        break;
                    }
                }
                obsolete = new ArrayList<>(segments.subList(0, keepFrom));
                segments.subList(0, keepFrom).clear();
            }
            if (obsolete.isEmpty()) {
                return 0;
            }
            // Record the new start first: a crash during the deletions then leaves segments that recovery knows
            // to delete, never a first segment whose records depend on one already deleted.
            LogStart.write(dir, io, obsolete.get(obsolete.size() - 1).header.seq() + 1);
            for (SegmentInfo segment : obsolete) {
                io.delete(segment.path);
                log.debug("deleted log segment {} (compacted through index {})", segment, index);
            }
            return obsolete.size();
        }
    }

    synchronized List<Path> segmentFiles() {
        return segments.stream().map(s -> s.path).toList();
    }

    @Override
    public synchronized void close() throws IOException {
        allocator.close();
        if (active != null) {
            active.close();
            active = null;
        }
        if (failure == null) {
            failure = new IOException("log is closed");
        }
    }

    private void validate(List<Entry> entries) {
        Entry first = entries.get(0);
        long floor = Math.max(terms.anchorIndex(), segments.get(0).header.anchorIndex());
        if (first.index() <= floor || first.index() > terms.lastIndex() + 1) {
            throw new IllegalArgumentException("cannot append at index " + first.index() + ": the log holds indexes "
                    + (floor + 1) + ".." + terms.lastIndex() + " and only those can be replaced");
        }
        long previousTerm = terms.termAt(first.index() - 1);
        long expectedIndex = first.index();
        for (Entry entry : entries) {
            if (entry.index() != expectedIndex || entry.term() < previousTerm) {
                throw new IllegalArgumentException("entries must have consecutive indexes and non-decreasing terms:"
                        + " got " + entry + " after index " + (expectedIndex - 1) + " term " + previousTerm);
            }
            if (WalRecords.entryFrameBytes(entry) - RecordFraming.HEADER_BYTES > RecordFraming.MAX_PAYLOAD_BYTES) {
                throw new IllegalArgumentException(entry + " is larger than the log's record limit of "
                        + RecordFraming.MAX_PAYLOAD_BYTES + " bytes");
            }
            previousTerm = entry.term();
            expectedIndex++;
        }
    }

    /** Makes room for a frame: starts a new segment if this one is full, flushes the buffer if it is. */
    private void reserve(int frameBytes) throws IOException {
        long position = bufferStart + buffer.position();
        try {
            if (position + frameBytes > segmentBytes && position > SegmentHeader.BYTES) {
                rollOver();
            }
            if (buffer.remaining() < frameBytes) {
                flushBuffer();
                if (buffer.capacity() < frameBytes) {
                    buffer = ByteBuffer.allocateDirect(frameBytes);
                }
            }
        } catch (IOException e) {
            throw fail(e);
        }
    }

    private void rollOver() throws IOException {
        flushBuffer();
        active.force(false); // the old segment is complete and durable before anything goes into the new one
        active.close();
        active = null;
        long seq = current().header.seq() + 1;
        startSegment(new SegmentHeader(seq, terms.lastIndex(), terms.lastTerm()));
        WalRecords.putHardState(buffer, hardState, crc);
    }

    private void startSegment(SegmentHeader header) throws IOException {
        active = allocator.create(header);
        segments.add(new SegmentInfo(header, dir.resolve(header.fileName())));
        bufferStart = SegmentHeader.BYTES;
        log.debug("started log segment {}", header.fileName());
    }

    private void flushBuffer() throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            int n = active.write(buffer, bufferStart);
            bufferStart += n;
        }
        buffer.clear();
        unsynced = true;
    }

    private SegmentInfo current() {
        return segments.get(segments.size() - 1);
    }

    private void checkUsable() throws IOException {
        if (failure != null) {
            throw new IOException("the log stopped accepting writes after an earlier failure: " + failure.getMessage(),
                    failure);
        }
    }

    private IOException fail(IOException e) {
        if (failure == null) {
            failure = e;
            log.error("log I/O failed; refusing all further writes until restart", e);
        }
        return e;
    }
}
