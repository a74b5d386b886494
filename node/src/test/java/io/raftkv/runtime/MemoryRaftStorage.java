package io.raftkv.runtime;

import io.raftkv.raft.Entry;
import io.raftkv.raft.HardState;
import io.raftkv.raft.Membership;
import io.raftkv.raft.RecoveredState;
import io.raftkv.raft.SnapshotMeta;
import io.raftkv.raft.SnapshotReader;
import io.raftkv.raft.message.InstallSnapshot;
import io.raftkv.storage.RaftStorage;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An in-memory {@link RaftStorage} for runtime tests: everything written survives as long as the object (a
 * "restart" reuses it), so tests of the runtime do not depend on the file store.
 */
public final class MemoryRaftStorage implements RaftStorage {
    private HardState hardState = HardState.EMPTY;
    private SnapshotMeta snapshot = SnapshotMeta.bootstrap(io.raftkv.raft.Membership.EMPTY);
    private byte[] snapshotBytes = new byte[0];
    private final List<Entry> log = new ArrayList<>();
    private ByteArrayOutputStream receiving = new ByteArrayOutputStream();
    private long syncs;

    @Override
    public synchronized RecoveredState recover() {
        return new RecoveredState(hardState, snapshot, log.stream().filter(e -> e.index() > snapshot.index()).toList());
    }

    @Override
    public synchronized void append(List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        long first = entries.get(0).index();
        while (!log.isEmpty() && log.get(log.size() - 1).index() >= first) {
            log.remove(log.size() - 1);
        }
        long expected = log.isEmpty() ? snapshot.index() + 1 : log.get(log.size() - 1).index() + 1;
        if (first != expected) {
            throw new IllegalStateException("append at " + first + " but expected " + expected);
        }
        log.addAll(entries);
    }

    @Override
    public synchronized void saveHardState(HardState hs) {
        hardState = hs;
    }

    @Override
    public synchronized void writeSnapshotChunk(InstallSnapshot chunk) {
        if (chunk.offset() == 0) {
            receiving = new ByteArrayOutputStream();
        }
        if (chunk.offset() != receiving.size()) {
            throw new IllegalStateException("chunk at " + chunk.offset() + " but have " + receiving.size());
        }
        receiving.writeBytes(chunk.data());
    }

    @Override
    public synchronized void installSnapshot(SnapshotMeta meta) {
        snapshot = meta;
        snapshotBytes = receiving.toByteArray();
        log.removeIf(e -> e.index() <= meta.index());
        if (!log.isEmpty() && log.get(0).index() != meta.index() + 1) {
            log.clear();
        }
    }

    @Override
    public synchronized void sync() {
        syncs++;
    }

    public synchronized long syncs() {
        return syncs;
    }

    @Override
    public SnapshotMeta saveSnapshot(long index, long term, Membership membership, SnapshotWriter writer)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writer.writeTo(out);
        SnapshotMeta meta = new SnapshotMeta(index, term, membership, out.size());
        synchronized (this) {
            if (meta.index() >= snapshot.index()) {
                snapshot = meta;
                snapshotBytes = out.toByteArray();
            }
        }
        return meta;
    }

    @Override
    public synchronized InputStream openSnapshot(SnapshotMeta meta) throws IOException {
        if (meta.index() != snapshot.index()) {
            throw new IOException("no snapshot at " + meta.index());
        }
        return new ByteArrayInputStream(snapshotBytes);
    }

    @Override
    public SnapshotReader snapshotReader() {
        return (meta, offset, maxBytes) -> {
            synchronized (this) {
                if (meta.index() != snapshot.index()) {
                    throw new java.io.UncheckedIOException(new IOException("no snapshot at " + meta.index()));
                }
                int from = (int) Math.min(offset, snapshotBytes.length);
                return Arrays.copyOfRange(snapshotBytes, from, Math.min(snapshotBytes.length, from + maxBytes));
            }
        };
    }

    @Override
    public synchronized void compact(long index) {
        log.removeIf(e -> e.index() <= index);
    }

    @Override
    public void close() {
    }
}
