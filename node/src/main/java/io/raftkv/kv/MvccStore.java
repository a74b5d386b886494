package io.raftkv.kv;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The multi-version key space (etcd's MVCC model, docs/etcd-api.md): per key its retained versions
 * ({@link KeyHistory}), one store-wide revision raised once per changing command, and a compacted revision below
 * which history is gone.
 *
 * <h2>Threads</h2>
 * Writes ({@link #put}, {@link #delete}, {@link #publish}, {@link #compact}) belong to the apply thread. Reads
 * ({@link #range}, {@link #at}, {@link #revision}, ...) are lock-free from any thread: a reader pins
 * {@link #revision()} and sees only versions at or below it; versions of a command being applied have the next
 * revision, which is published (volatile) only after all of them are in. Compaction publishes its revision
 * before it removes anything, and {@link #range} checks it again after reading, so a read that raced with a
 * compaction past its revision fails with COMPACTED instead of answering from a half-compacted history.
 */
final class MvccStore {

    private static final Comparator<byte[]> ORDER = Arrays::compareUnsigned;

    /** Keys changed by one revision, in the order of the command's operations. */
    record Changes(long revision, byte[][] keys) {
    }

    private final ConcurrentSkipListMap<byte[], KeyHistory> index;
    private volatile long revision;
    private volatile long compactRevision;
    private volatile long keyCount;
    /**
     * Apply thread only: the keys compaction must visit, by revision, oldest first (not in snapshots: derived).
     * Every change is listed as it is applied; after a restore only keys with more than one version or a tombstone.
     */
    private final ArrayDeque<Changes> changes = new ArrayDeque<>();

    /** An empty store: revision 1, as etcd's. */
    MvccStore() {
        this(new ConcurrentSkipListMap<>(ORDER), 1, 0);
    }

    /** A store over restored histories (keys ascending); rebuilds the change log and the key count. */
    MvccStore(ConcurrentSkipListMap<byte[], KeyHistory> index, long revision, long compactRevision) {
        this.index = index;
        this.revision = revision;
        this.compactRevision = compactRevision;
        long live = 0;
        NavigableMap<Long, List<byte[]>> byRevision = new java.util.TreeMap<>();
        for (Map.Entry<byte[], KeyHistory> e : index.entrySet()) {
            KeyHistory h = e.getValue();
            if (!h.latest().isTombstone()) {
                live++;
            }
            // A key with one live version has nothing to compact: only chains and tombstones are listed, which
            // keeps restoring a large compacted store one linear pass.
            if (h.versionCount() == 1 && !h.latest().isTombstone()) {
                continue;
            }
            for (int i = 0; i < h.versionCount(); i++) {
                long mod = h.version(i).modRevision();
                if (mod > compactRevision) {
                    byRevision.computeIfAbsent(mod, r -> new ArrayList<>()).add(e.getKey());
                }
            }
        }
        byRevision.forEach((rev, keys) -> changes.add(new Changes(rev, keys.toArray(new byte[0][]))));
        this.keyCount = live;
    }

    long revision() {
        return revision;
    }

    long compactRevision() {
        return compactRevision;
    }

    long keyCount() {
        return keyCount;
    }

    /** The live version of {@code key} at {@code rev}, or null. */
    StoredValue at(byte[] key, long rev) {
        KeyHistory h = index.get(key);
        return h == null ? null : h.at(rev);
    }

    /** Every key's history, ascending (for snapshots; the histories are immutable). */
    NavigableMap<byte[], KeyHistory> histories() {
        return index;
    }

    // ------------------------------------------------------------------------------------------------- writes

    /**
     * Adds version {@code next} of {@code key} (apply thread), at the revision being applied. A second change of
     * the same key in one revision replaces the first: etcd allows a put in one nested transaction and a delete
     * of the same key in a later one (its sub-revisions), and only the last state is visible at the revision.
     */
    void append(byte[] key, StoredValue next) {
        KeyHistory h = index.get(key);
        boolean wasLive = h != null && !h.latest().isTombstone();
        if (h == null) {
            index.put(key, next);
        } else if (h.latest().modRevision() == next.modRevision()) {
            index.put(key, h.replaceLatest(next));
        } else if (h.latest().modRevision() < next.modRevision()) {
            index.put(key, h.append(next));
        } else {
            throw new IllegalStateException("version at revision " + next.modRevision() + " of key "
                    + Bytes.wrap(key) + " is before its latest, at " + h.latest().modRevision());
        }
        if (wasLive != !next.isTombstone()) {
            keyCount += next.isTombstone() ? -1 : 1;
        }
    }

    /** Makes {@code rev} (= revision + 1) visible, with the keys it changed (apply thread). */
    void publish(long rev, List<byte[]> changedKeys) {
        if (rev != revision + 1) {
            throw new IllegalStateException("publishing revision " + rev + " after " + revision);
        }
        changes.add(new Changes(rev, changedKeys.toArray(new byte[0][])));
        revision = rev;
    }

    /**
     * Compacts at {@code rev} (apply thread): see {@link KeyHistory#compact}. Visits only the keys changed since
     * the last compaction.
     *
     * @throws StoreException COMPACTED if {@code rev} is not above the compacted revision, FUTURE_REVISION if it
     *                        is above the current one
     */
    void compact(long rev) {
        if (rev <= compactRevision) {
            throw new StoreException(StoreException.Kind.COMPACTED, "revision " + rev + " is already compacted ("
                    + compactRevision + ")");
        }
        if (rev > revision) {
            throw new StoreException(StoreException.Kind.FUTURE_REVISION, "revision " + rev
                    + " is after the current revision " + revision);
        }
        compactRevision = rev; // published first: see the class comment
        Set<ByteKey> visited = new HashSet<>();
        while (!changes.isEmpty() && changes.peekFirst().revision() <= rev) {
            for (byte[] key : changes.pollFirst().keys()) {
                if (visited.add(new ByteKey(key))) {
                    compactKey(key, rev);
                }
            }
        }
    }

    private void compactKey(byte[] key, long rev) {
        KeyHistory h = index.get(key);
        if (h == null) {
            return;
        }
        KeyHistory left = h.compact(rev);
        if (left == null) {
            index.remove(key);
        } else if (left != h) {
            index.put(key, left);
        }
    }

    // -------------------------------------------------------------------------------------------------- reads

    /**
     * Reads {@code q} with {@code current} as the current revision (the store's, or inside a write transaction
     * the revision being applied once it changed something). etcd 3.4's semantics (etcdserver apply.go Range):
     * {@code count} counts the keys in the range before limit and filters; with sorting or filters everything is
     * read, filtered, sorted (ascending by default when the target is not KEY), then cut to the limit;
     * {@code more} is set only when the limit cut something.
     */
    OpResult.Range range(RangeQuery q, long current) {
        long rev = q.revision() <= 0 ? current : q.revision();
        if (rev > current) {
            throw new StoreException(StoreException.Kind.FUTURE_REVISION, "required revision " + rev
                    + " is a future revision (current " + current + ")");
        }
        if (rev < compactRevision) {
            throw compacted(rev);
        }
        boolean readAll = q.filtersOrSorts() || q.limit() <= 0;
        long keep = readAll ? Long.MAX_VALUE : q.limit() + 1;
        List<KeyValue> kvs = new ArrayList<>();
        long count = 0;
        for (Map.Entry<byte[], KeyHistory> e : entries(q.range())) {
            StoredValue v = e.getValue().at(rev);
            if (v == null) {
                continue;
            }
            count++;
            if (!q.countOnly() && kvs.size() < keep) {
                kvs.add(v.toKeyValue(e.getKey()));
            }
        }
        if (rev < compactRevision) {
            throw compacted(rev);
        }
        if (q.countOnly()) {
            return new OpResult.Range(List.of(), false, count, current);
        }
        kvs.removeIf(kv -> q.maxModRevision() != 0 && kv.modRevision() > q.maxModRevision()
                || q.minModRevision() != 0 && kv.modRevision() < q.minModRevision()
                || q.maxCreateRevision() != 0 && kv.createRevision() > q.maxCreateRevision()
                || q.minCreateRevision() != 0 && kv.createRevision() < q.minCreateRevision());
        RangeQuery.SortOrder order = q.sortOrder();
        if (order == RangeQuery.SortOrder.NONE && q.sortTarget() != RangeQuery.SortTarget.KEY) {
            order = RangeQuery.SortOrder.ASCEND;
        }
        if (order != RangeQuery.SortOrder.NONE) {
            Comparator<KeyValue> by = switch (q.sortTarget()) {
                case KEY -> Comparator.comparing(KeyValue::key);
                case VERSION -> Comparator.comparingLong(KeyValue::version);
                case CREATE -> Comparator.comparingLong(KeyValue::createRevision);
                case MOD -> Comparator.comparingLong(KeyValue::modRevision);
                case VALUE -> Comparator.comparing(KeyValue::value);
            };
            // Stable, like Go's insertion sort for the short lists where ties show; reversed keeps ties in key order.
            kvs.sort(order == RangeQuery.SortOrder.DESCEND ? by.reversed() : by);
        }
        boolean more = false;
        if (q.limit() > 0 && kvs.size() > q.limit()) {
            kvs = kvs.subList(0, (int) q.limit());
            more = true;
        }
        if (q.keysOnly()) {
            kvs = kvs.stream().map(KeyValue::withoutValue).toList();
        }
        return new OpResult.Range(kvs, more, count, current);
    }

    /** The index entries whose keys fall in {@code range} (any revision). */
    Iterable<Map.Entry<byte[], KeyHistory>> entries(KeyRange range) {
        byte[] key = range.key().array();
        if (range.isSingleKey()) {
            KeyHistory h = index.get(key);
            return h == null ? List.of() : List.of(Map.entry(key, h));
        }
        if (range.isFromKey()) {
            return index.tailMap(key, true).entrySet();
        }
        byte[] end = range.end().array();
        if (ORDER.compare(key, end) >= 0) {
            return List.of();
        }
        return index.subMap(key, true, end, false).entrySet();
    }

    private StoreException compacted(long rev) {
        return new StoreException(StoreException.Kind.COMPACTED, "required revision " + rev
                + " has been compacted (compacted revision " + compactRevision + ")");
    }

    /** A byte array with value equality, for the compaction's visited set. */
    private record ByteKey(byte[] key) {
        @Override
        public boolean equals(Object o) {
            return o instanceof ByteKey other && Arrays.equals(key, other.key);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(key);
        }
    }
}
