package io.raftkv.raft;

/**
 * Read access to the bytes of this node's snapshots, which the leader streams in chunks to followers that
 * fell behind the compacted log (§7). Implementations must be fast and must not block for long: the core
 * calls them on its own thread.
 */
public interface SnapshotReader {
    /**
     * Returns up to {@code maxBytes} bytes of the snapshot described by {@code meta}, starting at
     * {@code offset}; fewer only at the end of the snapshot.
     *
     * @throws java.io.UncheckedIOException if the snapshot is gone or unreadable; the core then retries with
     *         its newest snapshot later
     */
    byte[] read(SnapshotMeta meta, long offset, int maxBytes);

    /** A reader for a node that never sends snapshots (every read fails). */
    SnapshotReader NONE = (meta, offset, maxBytes) -> {
        throw new java.io.UncheckedIOException(new java.io.IOException("no snapshot available at index " + meta.index()));
    };
}
