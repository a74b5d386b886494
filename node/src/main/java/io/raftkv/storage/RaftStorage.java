package io.raftkv.storage;

import io.raftkv.raft.Entry;
import io.raftkv.raft.HardState;
import io.raftkv.raft.Membership;
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
 * The durable storage a Raft node runs on: a write-ahead log of entries, the hard state, and snapshots. The
 * same contract is implemented by the file-based store ({@link FileRaftStorage}) and by the simulator's disk
 * model.
 *
 * <h2>Durability</h2>
 * The log operations — {@link #append}, {@link #saveHardState}, {@link #writeSnapshotChunk},
 * {@link #installSnapshot} — form one ordered stream. They become durable together at {@link #sync()}. A crash
 * (process kill or power loss) leaves, as {@link #recover()} reports it, the state after the last completed
 * {@code sync()} followed by some prefix of the operations issued after it, where the last operation of that
 * prefix may be cut short: an {@code append} may keep only its first entries. Nothing before the last
 * completed {@code sync()} is ever lost, and nothing is ever invented: every entry recovered was appended at
 * that index. (A model that loses every operation since the last sync is the simplest one that conforms.)
 *
 * <p>{@link #saveSnapshot} is durable when it returns, independently of {@code sync()}. {@link #compact} only
 * reclaims space: recovery never returns entries at or below the recovered snapshot's index anyway, so whether
 * a compaction survived a crash is invisible.
 *
 * <h2>Recovery</h2>
 * {@link #recover()} returns the newest snapshot (or index 0 with an empty membership if there is none), the
 * last saved hard state (commit raised to the snapshot index if below it), and the entries after the snapshot,
 * contiguous. If the log does not hold the snapshot's own entry (index and term), no entries are returned:
 * the log disagrees with the snapshot, which replaces it (§7; this is also what a crash between an
 * {@code installSnapshot} and the next {@code sync()} leaves). A new data directory recovers
 * as {@link RecoveredState#joining()}; a node that bootstraps a new cluster must save
 * {@link SnapshotMeta#bootstrap} (with empty state) before it starts, so that a restart remembers its initial
 * membership. Damage that is not a torn write at the end of the log makes {@code recover()} throw
 * {@link CorruptStorageException} naming the file and offset.
 *
 * <h2>Errors</h2>
 * After a write or sync fails with an {@link IOException}, the storage refuses every further write until it is
 * reopened (retrying an fsync that failed can report success for data the kernel already dropped). Invalid
 * arguments (a gap in the log, rewriting compacted entries) throw {@link IllegalArgumentException} and write
 * nothing.
 *
 * <h2>Threads</h2>
 * The log operations and {@code sync()} are called from one thread at a time (the disk thread, see
 * {@link GroupCommitWriter}). {@link #saveSnapshot}, {@link #openSnapshot} and {@link #compact} may run on
 * other threads concurrently with them; {@link #snapshotReader()} is called on the consensus thread.
 */
public interface RaftStorage extends Closeable {

    /** Reads back what survived (see the class comment). Called once, at start-up, before anything else. */
    RecoveredState recover() throws IOException;

    /**
     * Appends entries with consecutive indexes. If the first entry's index is at or below the last stored
     * index, the stored suffix from that index on is discarded first (a conflicting suffix, §5.3).
     */
    void append(List<Entry> entries) throws IOException;

    void saveHardState(HardState hardState) throws IOException;

    /** Writes one chunk of a snapshot being received from the leader (into a temporary location). */
    void writeSnapshotChunk(InstallSnapshot chunk) throws IOException;

    /**
     * The snapshot whose chunks were written is complete: make it the current snapshot (durable when this
     * returns) and discard the whole log — the snapshot replaces it (§7); entries after it arrive afterwards
     * through {@link #append}. The log's discarding becomes durable at the next {@link #sync()}.
     */
    void installSnapshot(SnapshotMeta meta) throws IOException;

    /** Makes every log operation issued so far durable. */
    void sync() throws IOException;

    /**
     * Saves a snapshot of the local state machine taken at {@code index} (of {@code term}, with
     * {@code membership} in force there): written by {@code writer} in one pass, durable and current when this
     * returns. Older snapshots beyond the retention count are deleted. Never call it on the consensus thread: it
     * writes and syncs the whole state.
     *
     * @return the snapshot's description, with the size the writer wrote
     * @throws IOException if {@code writer} fails; nothing is saved then
     */
    SnapshotMeta saveSnapshot(long index, long term, Membership membership, SnapshotWriter writer) throws IOException;

    /** Opens the bytes of a stored snapshot (the current one, or a retained older one). */
    InputStream openSnapshot(SnapshotMeta meta) throws IOException;

    /** Chunked read access for the core's InstallSnapshot sender. */
    SnapshotReader snapshotReader();

    /**
     * Discards log entries up to and including {@code index}, which a durable snapshot covers.
     *
     * @throws IllegalArgumentException if no durable snapshot covers {@code index}
     */
    void compact(long index) throws IOException;

    /**
     * Issues the log operations a {@link Ready} asks for, in the order its contract requires, without syncing;
     * a caller that batches Readys ({@link GroupCommitWriter}) syncs once for all of them.
     */
    default void write(Ready ready) throws IOException {
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
    }

    /** Persists everything a {@link Ready} asks for, in the order its contract requires, and syncs. */
    default void persist(Ready ready) throws IOException {
        if (!ready.mustPersist()) {
            return;
        }
        write(ready);
        sync();
    }

    /** Serializes a state machine into a snapshot. */
    @FunctionalInterface
    interface SnapshotWriter {
        void writeTo(OutputStream out) throws IOException;
    }
}
