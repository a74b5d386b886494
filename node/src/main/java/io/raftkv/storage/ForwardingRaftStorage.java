package io.raftkv.storage;

import io.raftkv.raft.Entry;
import io.raftkv.raft.HardState;
import io.raftkv.raft.Membership;
import io.raftkv.raft.RecoveredState;
import io.raftkv.raft.SnapshotMeta;
import io.raftkv.raft.SnapshotReader;
import io.raftkv.raft.message.InstallSnapshot;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * A {@link RaftStorage} that passes every call to another one: the base of decorators that change only one or
 * two operations (timing syncs, skipping needless syncs), so each says only what it changes.
 */
public abstract class ForwardingRaftStorage implements RaftStorage {
    protected final RaftStorage delegate;

    protected ForwardingRaftStorage(RaftStorage delegate) {
        this.delegate = delegate;
    }

    @Override
    public RecoveredState recover() throws IOException {
        return delegate.recover();
    }

    @Override
    public void append(List<Entry> entries) throws IOException {
        delegate.append(entries);
    }

    @Override
    public void saveHardState(HardState hardState) throws IOException {
        delegate.saveHardState(hardState);
    }

    @Override
    public void writeSnapshotChunk(InstallSnapshot chunk) throws IOException {
        delegate.writeSnapshotChunk(chunk);
    }

    @Override
    public void installSnapshot(SnapshotMeta meta) throws IOException {
        delegate.installSnapshot(meta);
    }

    @Override
    public void sync() throws IOException {
        delegate.sync();
    }

    @Override
    public SnapshotMeta saveSnapshot(long index, long term, Membership membership, SnapshotWriter writer)
            throws IOException {
        return delegate.saveSnapshot(index, term, membership, writer);
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
