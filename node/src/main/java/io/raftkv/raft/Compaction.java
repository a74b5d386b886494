package io.raftkv.raft;

/**
 * What the node knows of its state machine's progress: the index applied, and the latest snapshot, behind which
 * the log may be compacted (§7). Followers that need compacted entries are sent that snapshot.
 */
final class Compaction {
    private final RaftLog log;
    private final ConfigHistory configs;
    private SnapshotMeta latestSnapshot;
    private long applied;

    Compaction(RaftLog log, ConfigHistory configs, SnapshotMeta recovered) {
        this.log = log;
        this.configs = configs;
        this.latestSnapshot = recovered.index() > 0 ? recovered : null;
        this.applied = recovered.index();
    }

    long applied() {
        return applied;
    }

    /** The newest snapshot, saved locally or received from a leader; null if there is none. */
    SnapshotMeta latestSnapshot() {
        return latestSnapshot;
    }

    /** See {@link RaftNode#applied(long)}. */
    void applied(long index) {
        if (index > log.applying()) {
            throw new IllegalArgumentException("applied " + index + " but only " + log.applying() + " was handed out");
        }
        applied = Math.max(applied, index);
    }

    /** A snapshot received from the leader replaced the log. */
    void installed(SnapshotMeta meta) {
        latestSnapshot = meta;
    }

    /** See {@link RaftNode#snapshotMetaFor(long)}. */
    SnapshotMeta snapshotMetaFor(long index) {
        if (index > applied || index < log.offset()) {
            throw new IllegalArgumentException("no snapshot possible at " + index + ": applied " + applied
                    + ", log starts after " + log.offset());
        }
        return new SnapshotMeta(index, log.term(index), configs.at(index), 0);
    }

    /** See {@link RaftNode#compact(SnapshotMeta, long)}. */
    void compact(SnapshotMeta meta, long retainEntries) {
        if (meta.index() > applied) {
            throw new IllegalArgumentException("snapshot at " + meta.index() + " is beyond applied index " + applied);
        }
        if (latestSnapshot == null || meta.index() > latestSnapshot.index()) {
            latestSnapshot = meta;
        }
        long to = Math.max(log.offset(), meta.index() - Math.max(0, retainEntries));
        if (to > log.offset() && log.term(to) != RaftLog.UNKNOWN) {
            log.compactTo(to);
            configs.compactedTo(to);
        }
    }
}
