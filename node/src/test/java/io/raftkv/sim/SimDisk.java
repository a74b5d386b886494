package io.raftkv.sim;

import io.raftkv.raft.Entry;
import io.raftkv.raft.HardState;
import io.raftkv.raft.Membership;
import io.raftkv.raft.RecoveredState;
import io.raftkv.raft.SnapshotMeta;
import io.raftkv.raft.SnapshotReader;
import io.raftkv.raft.message.InstallSnapshot;
import io.raftkv.storage.RaftStorage;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * An in-memory disk with the crash semantics of {@link RaftStorage}: every write is volatile until
 * {@link #sync()}; {@link #crash()} throws away exactly the writes since the last completed sync. Snapshots
 * saved with {@link #saveSnapshot} are durable when the call returns.
 *
 * <p>It also checks that the core uses storage as the contract says (no gap in the log, snapshot chunks in
 * order, installing only a fully received snapshot); a breach is an {@link IOException} naming what went wrong.
 */
final class SimDisk implements RaftStorage {

    /** A stored snapshot: its description and its bytes. */
    record StoredSnapshot(SnapshotMeta meta, byte[] bytes) {
    }

    private static final int RETAINED_SNAPSHOTS = 2;

    private final long nodeId;

    // ---- durable image (survives crashes) ----
    private HardState hardState = HardState.EMPTY;
    /** Newest first; the head is the current snapshot. */
    private final Deque<StoredSnapshot> snapshots = new ArrayDeque<>();
    /** Log entries with indexes logStart, logStart+1, ... (may overlap the current snapshot when compaction retains entries). */
    private final ArrayList<Entry> log = new ArrayList<>();
    private long logStart = 1;
    /** A snapshot being received from the leader (the "temporary location"). */
    private SnapshotMeta partialMeta;
    private ByteArrayOutputStream partialBytes;

    // ---- writes since the last sync (lost on crash) ----
    private final List<IoAction> unsynced = new ArrayList<>();

    private interface IoAction {
        void apply() throws IOException;
    }

    SimDisk(long nodeId, Membership bootstrap) {
        this.nodeId = nodeId;
        snapshots.push(new StoredSnapshot(SnapshotMeta.bootstrap(bootstrap), new byte[0]));
    }

    /** The process died: writes not yet synced are gone. */
    void crash() {
        unsynced.clear();
    }

    @Override
    public RecoveredState recover() throws IOException {
        SnapshotMeta snap = currentSnapshot().meta();
        List<Entry> after = new ArrayList<>();
        long lastIndex = logStart + log.size() - 1;
        if (lastIndex > snap.index()) {
            if (logStart > snap.index() + 1) {
                throw new IOException(where() + "log starts at " + logStart + " but the snapshot ends at "
                        + snap.index() + ": entries are missing");
            }
            after.addAll(log.subList((int) (snap.index() + 1 - logStart), log.size()));
        }
        return new RecoveredState(hardState, snap, after);
    }

    @Override
    public void append(List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        List<Entry> copy = List.copyOf(entries);
        unsynced.add(() -> appendNow(copy));
    }

    private void appendNow(List<Entry> entries) throws IOException {
        long first = entries.get(0).index();
        for (int i = 1; i < entries.size(); i++) {
            if (entries.get(i).index() != first + i) {
                throw new IOException(where() + "entries to append are not contiguous at index " + (first + i));
            }
        }
        long lastIndex = logStart + log.size() - 1;
        if (first > lastIndex + 1) {
            throw new IOException(where() + "append at index " + first + " leaves a gap after the last stored index "
                    + lastIndex);
        }
        if (first < logStart) {
            if (first <= currentSnapshot().meta().index()) {
                throw new IOException(where() + "append at index " + first + " rewrites entries covered by the"
                        + " snapshot at " + currentSnapshot().meta().index());
            }
            log.clear();
            logStart = first;
        } else {
            truncateFrom(first);
        }
        log.addAll(entries);
    }

    private void truncateFrom(long index) {
        int keep = (int) (index - logStart);
        if (keep < log.size()) {
            log.subList(keep, log.size()).clear();
        }
    }

    @Override
    public void saveHardState(HardState hs) {
        unsynced.add(() -> hardState = hs);
    }

    @Override
    public void writeSnapshotChunk(InstallSnapshot chunk) {
        unsynced.add(() -> writeChunkNow(chunk));
    }

    private void writeChunkNow(InstallSnapshot chunk) throws IOException {
        if (chunk.offset() == 0) {
            partialMeta = chunk.meta();
            partialBytes = new ByteArrayOutputStream();
        } else if (partialMeta == null || !partialMeta.equals(chunk.meta())) {
            throw new IOException(where() + "chunk at offset " + chunk.offset() + " of snapshot " + chunk.meta()
                    + " without its first chunk");
        } else if (chunk.offset() != partialBytes.size()) {
            if (chunk.offset() > partialBytes.size()) {
                throw new IOException(where() + "chunk at offset " + chunk.offset() + " but only "
                        + partialBytes.size() + " bytes of snapshot " + chunk.meta().index() + " received");
            }
            byte[] prefix = Arrays.copyOf(partialBytes.toByteArray(), (int) chunk.offset());
            partialBytes = new ByteArrayOutputStream();
            partialBytes.write(prefix, 0, prefix.length);
        }
        partialBytes.write(chunk.data(), 0, chunk.data().length);
    }

    @Override
    public void installSnapshot(SnapshotMeta meta) {
        unsynced.add(() -> installNow(meta));
    }

    private void installNow(SnapshotMeta meta) throws IOException {
        if (partialMeta == null || !partialMeta.equals(meta)) {
            throw new IOException(where() + "install of snapshot " + meta + " whose chunks were not received"
                    + " (receiving " + partialMeta + ")");
        }
        byte[] bytes = partialBytes.toByteArray();
        if (bytes.length != meta.sizeBytes()) {
            throw new IOException(where() + "install of snapshot " + meta.index() + " with " + bytes.length
                    + " bytes received but " + meta.sizeBytes() + " announced");
        }
        partialMeta = null;
        partialBytes = null;
        keepSnapshot(new StoredSnapshot(meta, bytes));
        log.clear(); // the snapshot replaces the whole log (§7); later entries come through append
        logStart = meta.index() + 1;
    }

    @Override
    public void sync() throws IOException {
        try {
            for (IoAction a : unsynced) {
                a.apply();
            }
        } finally {
            unsynced.clear();
        }
    }

    @Override
    public SnapshotMeta saveSnapshot(long index, long term, Membership membership, SnapshotWriter writer)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writer.writeTo(out);
        byte[] bytes = out.toByteArray();
        SnapshotMeta meta = new SnapshotMeta(index, term, membership, bytes.length);
        keepSnapshot(new StoredSnapshot(meta, bytes));
        return meta;
    }

    private void keepSnapshot(StoredSnapshot s) {
        if (s.meta().index() >= currentSnapshot().meta().index()) {
            snapshots.push(s);
        } else {
            // An older snapshot than the current one: keep it readable, but the newest stays current.
            StoredSnapshot current = snapshots.pop();
            snapshots.push(s);
            snapshots.push(current);
        }
        while (snapshots.size() > RETAINED_SNAPSHOTS) {
            snapshots.removeLast();
        }
    }

    @Override
    public InputStream openSnapshot(SnapshotMeta meta) throws IOException {
        return new ByteArrayInputStream(find(meta).bytes());
    }

    @Override
    public SnapshotReader snapshotReader() {
        return (meta, offset, maxBytes) -> {
            try {
                byte[] bytes = find(meta).bytes();
                if (offset < 0 || offset > bytes.length) {
                    throw new IOException(where() + "read at offset " + offset + " of a " + bytes.length
                            + "-byte snapshot");
                }
                int n = (int) Math.min(maxBytes, bytes.length - offset);
                return Arrays.copyOfRange(bytes, (int) offset, (int) offset + n);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    private StoredSnapshot find(SnapshotMeta meta) throws IOException {
        for (StoredSnapshot s : snapshots) {
            if (s.meta().index() == meta.index() && s.meta().term() == meta.term()) {
                return s;
            }
        }
        throw new IOException(where() + "no stored snapshot at index " + meta.index() + " term " + meta.term());
    }

    @Override
    public void compact(long index) {
        compactNow(Math.min(index, currentSnapshot().meta().index()));
    }

    private void compactNow(long index) {
        if (index < logStart) {
            return;
        }
        int drop = (int) Math.min(log.size(), index - logStart + 1);
        log.subList(0, drop).clear();
        logStart = index + 1;
    }

    private Entry entryAt(long index) {
        long i = index - logStart;
        return i >= 0 && i < log.size() ? log.get((int) i) : null;
    }

    StoredSnapshot currentSnapshot() {
        return snapshots.peek();
    }
    /** The last index held durably. */
    /** The durable entry at {@code index}, or null if compacted or absent. */
    Entry durableEntry(long index) {
        return entryAt(index);
    }

    @Override
    public void close() {
    }

    private String where() {
        return "sim disk of node " + nodeId + ": ";
    }
}
