package io.raftkv.storage;

import io.raftkv.raft.Entry;
import io.raftkv.raft.HardState;
import io.raftkv.raft.Ready;
import io.raftkv.raft.RecoveredState;
import io.raftkv.raft.SnapshotMeta;
import io.raftkv.raft.SnapshotReader;
import io.raftkv.raft.message.InstallSnapshot;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * The durable storage a Raft node runs on: a write-ahead log of entries, the hard state, and snapshots.
 * Writes become durable only at {@link #sync()}; a crash loses exactly what was written since the last
 * completed sync, never anything before it. The same contract is implemented by the file-based store and by
 * the simulator's disk model.
 */
public interface RaftStorage extends Closeable {

    /** Reads back what survived: hard state, newest snapshot, and the log after it. Called once, at start-up. */
    RecoveredState recover() throws IOException;

    /**
     * Appends entries. If the first entry's index is at or below the last stored index, the stored suffix
     * from that index on is discarded first (a conflicting suffix, §5.3).
     */
    void append(List<Entry> entries) throws IOException;

    void saveHardState(HardState hardState) throws IOException;

    /** Writes one chunk of a snapshot being received from the leader (into a temporary location). */
    void writeSnapshotChunk(InstallSnapshot chunk) throws IOException;

    /**
     * The snapshot whose chunks were written is complete: make it the current snapshot and discard the whole
     * log — the snapshot replaces it (§7); entries after it arrive afterwards through {@link #append}.
     */
    void installSnapshot(SnapshotMeta meta) throws IOException;

    /** Makes everything written so far durable. */
    void sync() throws IOException;

    /**
     * Saves a snapshot of the local state machine taken at {@code meta.index()}: written by {@code writer},
     * durable and current when this returns. Older snapshots beyond the retention count are deleted.
     */
    void saveSnapshot(SnapshotMeta meta, SnapshotWriter writer) throws IOException;

    /** Opens the bytes of a stored snapshot (the current one, or a retained older one). */
    InputStream openSnapshot(SnapshotMeta meta) throws IOException;

    /** Chunked read access for the core's InstallSnapshot sender. */
    SnapshotReader snapshotReader();

    /** Discards log entries up to and including {@code index}, which a durable snapshot covers. */
    void compact(long index) throws IOException;

    /** Persists everything a {@link Ready} asks for, in the order its contract requires, and syncs. */
    default void persist(Ready ready) throws IOException {
        if (!ready.mustPersist()) {
            return;
        }
        for (InstallSnapshot chunk : ready.snapshotChunks()) {
            writeSnapshotChunk(chunk);
        }
        if (ready.snapshot() != null) {
            installSnapshot(ready.snapshot());
        }
        if (!ready.entries().isEmpty()) {
            append(ready.entries());
        }
        if (ready.hardState() != null) {
            saveHardState(ready.hardState());
        }
        sync();
    }

    /** Serializes a state machine into a snapshot. */
    @FunctionalInterface
    interface SnapshotWriter {
        void writeTo(OutputStream out) throws IOException;
    }
}
