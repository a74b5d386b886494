package io.raftkv.runtime;

import io.raftkv.raft.Entry;
import io.raftkv.raft.HardState;
import io.raftkv.raft.RecoveredState;
import io.raftkv.raft.SnapshotMeta;
import io.raftkv.raft.SnapshotReader;
import io.raftkv.raft.message.InstallSnapshot;
import io.raftkv.storage.RaftStorage;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Skips the fsync of a group-commit batch whose only change is a higher commit index. The commit index is
 * volatile state in Raft (paper Figure 2; a restarted node learns it again from the leader), so its record may
 * stay in the page cache until the next batch that must be durable: entries, a snapshot, or a new term or vote
 * (the state a node promises not to forget, §5.2 and §5.4) — etcd's {@code MustSync} rule. The storage
 * contract keeps this safe: a crash recovers the last sync plus a prefix of the later operations, so at worst an
 * older commit index, never one above the durable log (entries are synced before any commit that covers them).
 *
 * <p>Without this, every node syncs twice per write (its entries, then the commit index that covers them), and
 * since the disk thread is serial, the next writes' entries queue behind the useless second fsync.
 * Called only on the disk thread (see {@link RaftStorage}'s threading rules), like the storage's log operations.
 */
final class MustSyncStorage implements RaftStorage {
    private final RaftStorage delegate;
    private boolean mustSync;
    private HardState lastSaved;

    MustSyncStorage(RaftStorage delegate) {
        this.delegate = delegate;
    }

    @Override
    public void append(List<Entry> entries) throws IOException {
        mustSync |= !entries.isEmpty();
        delegate.append(entries);
    }

    @Override
    public void saveHardState(HardState hardState) throws IOException {
        if (lastSaved == null || lastSaved.term() != hardState.term() || lastSaved.vote() != hardState.vote()) {
            mustSync = true;
        }
        lastSaved = hardState;
        delegate.saveHardState(hardState);
    }

    @Override
    public void writeSnapshotChunk(InstallSnapshot chunk) throws IOException {
        mustSync = true;
        delegate.writeSnapshotChunk(chunk);
    }

    @Override
    public void installSnapshot(SnapshotMeta meta) throws IOException {
        mustSync = true;
        delegate.installSnapshot(meta);
    }

    @Override
    public void sync() throws IOException {
        if (mustSync) {
            delegate.sync();
            mustSync = false;
        }
    }

    @Override
    public RecoveredState recover() throws IOException {
        return delegate.recover();
    }

    @Override
    public void saveSnapshot(SnapshotMeta meta, SnapshotWriter writer) throws IOException {
        delegate.saveSnapshot(meta, writer);
    }

    @Override
    public InputStream openSnapshot(SnapshotMeta meta) throws IOException {
        return delegate.openSnapshot(meta);
    }

    @Override
    public SnapshotReader snapshotReader() {
        return delegate.snapshotReader();
    }

    @Override
    public void compact(long index) throws IOException {
        delegate.compact(index);
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}
