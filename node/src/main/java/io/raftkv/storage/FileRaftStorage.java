package io.raftkv.storage;

import io.raftkv.raft.Entry;
import io.raftkv.raft.HardState;
import io.raftkv.raft.Membership;
import io.raftkv.raft.RecoveredState;
import io.raftkv.raft.SnapshotMeta;
import io.raftkv.raft.SnapshotReader;
import io.raftkv.raft.message.InstallSnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link RaftStorage} on local files: a {@link SegmentedLog} holding entries, hard states and snapshot records,
 * and a {@link SnapshotStore}, inside a locked {@link DataDirectory}.
 *
 * <p>The hard state lives in the log rather than in a file of its own: one fdatasync then makes entries and
 * hard state durable together, in the order they were written, which keeps a vote or commit index from ever
 * being durable without the entries written before it, and costs no second fsync per Ready.
 */
public final class FileRaftStorage implements RaftStorage {

    private static final Logger log = LoggerFactory.getLogger(FileRaftStorage.class);

    private final StorageConfig config;
    private final DataDirectory dataDir;
    private final SnapshotStore snapshots;
    private volatile SegmentedLog wal;
    private List<TornTail> tornTails = List.of();

    private FileRaftStorage(StorageConfig config, DataDirectory dataDir) {
        this.config = config;
        this.dataDir = dataDir;
        this.snapshots = new SnapshotStore(dataDir.snapshotDir(), config.snapshotsRetained(), config.fileIo());
    }

    /**
     * Locks the data directory and checks its identity; call {@link #recover()} next.
     *
     * @throws IOException if the directory is in use or belongs to another cluster or node
     */
    public static FileRaftStorage open(StorageConfig config) throws IOException {
        DataDirectory dir = DataDirectory.open(config.dir(), config.clusterId(), config.nodeId(), config.fileIo());
        return new FileRaftStorage(config, dir);
    }

    /** As {@link #open(StorageConfig)}, in a directory whose lock the caller already took (it passes to storage). */
    public static FileRaftStorage open(StorageConfig config, DataDirLock lock) throws IOException {
        DataDirectory dir = DataDirectory.open(lock, config.clusterId(), config.nodeId(), config.fileIo());
        return new FileRaftStorage(config, dir);
    }

    @Override
    public synchronized RecoveredState recover() throws IOException {
        if (wal != null) {
            throw new IllegalStateException("recover() runs once, at start-up");
        }
        long started = System.nanoTime();
        SnapshotMeta newest = snapshots.recover();
        SnapshotMeta base = newest != null ? newest : new SnapshotMeta(0, 0, Membership.EMPTY, 0);
        LogReplay.Result replayed = LogReplay.replay(dataDir.walDir(), config.fileIo());
        checkLogMatchesSnapshot(replayed, base);

        ArrayList<Entry> entries = replayed.entries();
        long anchor = replayed.terms().anchorIndex();
        boolean kept = replayed.terms().rebase(base.index(), base.term());
        if (kept) {
            entries.subList(0, (int) (base.index() - anchor)).clear();
        } else {
            entries.clear();
        }
        SegmentedLog opened = SegmentedLog.open(dataDir.walDir(), config.segmentBytes(), config.preallocate(),
                config.fileIo(), replayed);
        try {
            if (!kept) {
                // The snapshot file became durable but the log's record of it did not (or the log disagrees with
                // it): record it now, or entries appended after it would replay on top of the old log.
                opened.recordSnapshot(base.index(), base.term());
                opened.sync();
            }
        } catch (IOException | RuntimeException e) {
            opened.close();
            throw e;
        }
        wal = opened;
        tornTails = List.copyOf(replayed.tornTails());
        HardState hardState = replayed.hardState();
        if (hardState.commit() < base.index()) {
            hardState = new HardState(hardState.term(), hardState.vote(), base.index()); // a snapshot is committed
        }
        log.info("recovered {}: snapshot at index {} term {}, {} entries after it, {} in {} ms", config.dir(),
                base.index(), base.term(), entries.size(), hardState, (System.nanoTime() - started) / 1_000_000);
        return new RecoveredState(hardState, base, entries);
    }

    private void checkLogMatchesSnapshot(LogReplay.Result replayed, SnapshotMeta base) throws IOException {
        if (replayed.segments().isEmpty()) {
            if (base.index() > 0) {
                throw new CorruptStorageException(dataDir.walDir(), -1, "no log segments, but a snapshot at index "
                        + base.index() + " exists: the log was deleted");
            }
            return;
        }
        if (replayed.newestSnapshotRecord() > base.index()) {
            throw new CorruptStorageException(dataDir.snapshotDir(), -1, "the log records installing the snapshot at"
                    + " index " + replayed.newestSnapshotRecord() + ", but the newest snapshot file is at index "
                    + base.index());
        }
        if (replayed.terms().anchorIndex() > base.index()) {
            throw new CorruptStorageException(replayed.segments().get(0).path, 0, "the log starts after index "
                    + replayed.terms().anchorIndex() + " but the newest snapshot ends at index " + base.index()
                    + ": entries " + (base.index() + 1) + ".." + replayed.terms().anchorIndex() + " are missing");
        }
    }

    /** Torn writes found and discarded at the end of the log by {@link #recover()}. */
    public List<TornTail> tornTails() {
        return tornTails;
    }

    public StorageConfig config() {
        return config;
    }

    @Override
    public void append(List<Entry> entries) throws IOException {
        wal().append(entries);
    }

    @Override
    public void saveHardState(HardState hardState) throws IOException {
        wal().saveHardState(hardState);
    }

    @Override
    public void writeSnapshotChunk(InstallSnapshot chunk) throws IOException {
        wal(); // recovery first
        snapshots.writeChunk(chunk);
    }

    @Override
    public void installSnapshot(SnapshotMeta meta) throws IOException {
        SegmentedLog current = wal();
        snapshots.install(meta);
        current.recordSnapshot(meta.index(), meta.term());
        current.compact(meta.index());
    }

    @Override
    public void sync() throws IOException {
        SegmentedLog current = wal();
        snapshots.syncReceived();
        current.sync();
    }

    @Override
    public SnapshotMeta saveSnapshot(long index, long term, Membership membership, SnapshotWriter writer)
            throws IOException {
        wal();
        return snapshots.save(index, term, membership, writer);
    }

    @Override
    public InputStream openSnapshot(SnapshotMeta meta) throws IOException {
        return snapshots.open(meta);
    }

    @Override
    public SnapshotReader snapshotReader() {
        return snapshots.reader();
    }

    @Override
    public void compact(long index) throws IOException {
        SnapshotMeta newest = snapshots.newest();
        if (newest == null || index > newest.index()) {
            throw new IllegalArgumentException("cannot compact through index " + index + ": the newest durable"
                    + " snapshot is at index " + (newest == null ? "none" : newest.index()));
        }
        wal().compact(index);
    }

    /** The log's segment files, oldest first (for tests and diagnostics). */
    public List<java.nio.file.Path> segmentFiles() {
        return wal().segmentFiles();
    }

    /** Releases the files and the directory lock. Does not sync: what was not synced may or may not survive. */
    @Override
    public void close() throws IOException {
        try {
            SegmentedLog current = wal;
            if (current != null) {
                current.close();
            }
        } finally {
            try {
                snapshots.close();
            } finally {
                dataDir.close(); // the lock goes last: nothing of ours touches the directory after it
            }
        }
    }

    private SegmentedLog wal() {
        SegmentedLog current = wal;
        if (current == null) {
            throw new IllegalStateException("call recover() before using the storage");
        }
        return current;
    }
}
