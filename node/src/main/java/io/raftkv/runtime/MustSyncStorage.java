package io.raftkv.runtime;

import io.raftkv.raft.Entry;
import io.raftkv.raft.HardState;
import io.raftkv.raft.RecoveredState;
import io.raftkv.raft.SnapshotMeta;
import io.raftkv.raft.SnapshotReader;
import io.raftkv.raft.message.InstallSnapshot;
import io.raftkv.storage.ForwardingRaftStorage;
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
final class MustSyncStorage extends ForwardingRaftStorage {
    private boolean mustSync;
    private HardState lastSaved;

    MustSyncStorage(RaftStorage delegate) {
        super(delegate);
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
}
