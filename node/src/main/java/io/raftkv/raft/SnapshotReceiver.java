package io.raftkv.raft;

/**
 * A follower's progress through one incoming snapshot stream (§7): which snapshot, and the offset it expects
 * next. Kept in memory only: after a crash the stream restarts from offset 0.
 */
final class SnapshotReceiver {
    private SnapshotMeta meta;
    private long expectedOffset;

    void begin(SnapshotMeta meta) {
        this.meta = meta;
        this.expectedOffset = 0;
    }

    boolean isReceiving(SnapshotMeta m) {
        return meta != null && meta.equals(m);
    }

    long expectedOffset() {
        return expectedOffset;
    }

    void accepted(int bytes) {
        expectedOffset += bytes;
    }

    void reset() {
        meta = null;
        expectedOffset = 0;
    }
}
