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
import java.util.function.LongConsumer;

/** Passes everything to a storage and reports how long each {@link #sync()} took (the fsync histogram). */
final class SyncTimingStorage extends ForwardingRaftStorage {
    private final LongConsumer syncNanos;

    SyncTimingStorage(RaftStorage delegate, LongConsumer syncNanos) {
        super(delegate);
        this.syncNanos = syncNanos;
    }

    @Override
    public void sync() throws IOException {
        long t0 = System.nanoTime();
        delegate.sync();
        syncNanos.accept(System.nanoTime() - t0);
    }
}
