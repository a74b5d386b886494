package io.raftkv.storage;

import io.raftkv.raft.Entry;
import io.raftkv.raft.EntryType;
import io.raftkv.raft.HardState;
import io.raftkv.raft.Membership;
import io.raftkv.raft.Ready;
import io.raftkv.raft.RecoveredState;
import io.raftkv.raft.SnapshotMeta;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Shared helpers for the storage tests: deterministic entries, configs, and one-shot open/recover. */
final class StorageFixtures {

    static final String CLUSTER = "test-cluster";
    static final long NODE = 1;
    static final Membership MEMBERS = Membership.ofVoters(Set.of(1L, 2L, 3L));

    private StorageFixtures() {
    }

    /** Small segments so that tests cross many segment boundaries. */
    static StorageConfig config(Path dir) {
        return StorageConfig.defaults(dir, CLUSTER, NODE).withSegmentBytes(16 * 1024).withFreeSpaceFloor(0);
    }

    /** The payload every test writes for (index, term): its length and bytes both depend on both. */
    static byte[] payload(long index, long term) {
        int length = (int) ((index * 7 + term * 13) % 300);
        byte[] data = new byte[length];
        for (int i = 0; i < length; i++) {
            data[i] = (byte) (index * 31 + term * 17 + i);
        }
        return data;
    }

    static Entry entry(long index, long term) {
        return new Entry(index, term, index % 50 == 0 ? EntryType.NOOP : EntryType.NORMAL,
                index % 50 == 0 ? new byte[0] : payload(index, term));
    }

    static List<Entry> entries(long from, long to, long term) {
        List<Entry> list = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            list.add(entry(i, term));
        }
        return list;
    }

    static Ready ready(HardState hardState, List<Entry> entries) {
        return new Ready(hardState, List.of(), null, entries, List.of(), List.of(), List.of(), List.of());
    }

    static byte[] snapshotBytes(long index, int length) {
        String unit = "snapshot@" + index + ":";
        return unit.repeat(length / unit.length() + 1).substring(0, length).getBytes(StandardCharsets.US_ASCII);
    }

    static SnapshotMeta meta(long index, long term) {
        return new SnapshotMeta(index, term, MEMBERS, 0);
    }

    /** Saves a local snapshot holding {@code bytes} and returns its description. */
    static SnapshotMeta save(RaftStorage storage, long index, long term, byte[] bytes) throws IOException {
        return storage.saveSnapshot(index, term, MEMBERS, out -> out.write(bytes));
    }

    /** Opens, recovers and closes: what a restarted node would see. */
    static RecoveredState reopen(StorageConfig config) throws IOException {
        try (FileRaftStorage storage = FileRaftStorage.open(config)) {
            return storage.recover();
        }
    }

    static Path lastSegment(Path dir) throws IOException {
        try (var files = Files.list(dir.resolve("wal"))) {
            return files.filter(f -> f.toString().endsWith(".wal")).sorted().reduce((a, b) -> b).orElseThrow();
        }
    }

    static List<Path> segments(Path dir) throws IOException {
        try (var files = Files.list(dir.resolve("wal"))) {
            return files.filter(f -> f.toString().endsWith(".wal")).sorted().toList();
        }
    }
}
