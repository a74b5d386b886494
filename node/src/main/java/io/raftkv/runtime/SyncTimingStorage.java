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
import java.util.function.LongConsumer;

/** Passes everything to a storage and reports how long each {@link #sync()} took (the fsync histogram). */
final class SyncTimingStorage implements RaftStorage {
    private final RaftStorage delegate;
    private final LongConsumer syncNanos;

    SyncTimingStorage(RaftStorage delegate, LongConsumer syncNanos) {
        this.delegate = delegate;
        this.syncNanos = syncNanos;
    }

    @Override
    public void sync() throws IOException {
        long t0 = System.nanoTime();
        delegate.sync();
        syncNanos.accept(System.nanoTime() - t0);
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
