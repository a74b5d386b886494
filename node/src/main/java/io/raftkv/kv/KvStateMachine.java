package io.raftkv.kv;

import io.raftkv.raft.Entry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The replicated key-value store: applies committed Raft entries in log order and serves reads.
 *
 * <h2>Threads</h2>
 * {@link #apply}, {@link #restore} and {@link #capture} belong to one thread, the apply thread. The reads
 * ({@link #get}, {@link #range}, {@link #appliedIndex}, {@link #revision}, {@link #keyCount}) are safe from any
 * thread at any time. Each entry changes at most one key, and the map holds immutable records, so a lock-free
 * {@link #get} always sees one committed version of its key. A {@link #range} spans many keys, so it takes a
 * read lock that each apply takes for writing: a page is one consistent state, labelled with its revision.
 *
 * <h2>Determinism</h2>
 * Every replica applying the same entries reaches the same state and the same snapshot bytes: results depend
 * only on the entries (session expiry uses the proposers' timestamps, never the local clock), and malformed or
 * oversize commands become error results rather than exceptions.
 *
 * <h2>Memory</h2>
 * Per key: one skip-list node (plus on average a quarter of an index node), the key array, the value array
 * and one {@link StoredValue} (header, reference, three longs). {@link #restore} drops the current state
 * before reading the snapshot, so that a node never holds two full copies.
 *
 * <h2>Availability</h2>
 * While a restore runs, and after one failed, the machine is unavailable: {@link #apply}, {@link #get},
 * {@link #range} and {@link #capture} throw {@link IllegalStateException} saying why, until a restore
 * succeeds. A failed restore means a corrupt snapshot on disk or in transfer: the node should stop (or fetch
 * the snapshot again), never serve from a half-built state.
 */
public final class KvStateMachine {

    private final long sessionTtlMillis;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    // Written only by the apply thread, under the write lock; volatile for lock-free readers.
    private volatile ConcurrentSkipListMap<byte[], StoredValue> map = newMap();
    private volatile long appliedIndex;
    private volatile long revision;
    private volatile long keyCount;
    /** Null while usable; otherwise why reads and writes are refused. */
    private volatile String unavailableReason;
    // Apply thread only.
    private SessionTable sessions;

    /**
     * @param sessionTtl how long a client session lives without commands, in proposer (log) time; must be
     *                   the same on every member, and longer than any client keeps retrying one command
     */
    public KvStateMachine(Duration sessionTtl) {
        if (sessionTtl.isNegative() || sessionTtl.isZero()) {
            throw new IllegalArgumentException("session TTL must be positive, got " + sessionTtl);
        }
        this.sessionTtlMillis = sessionTtl.toMillis();
        this.sessions = new SessionTable(sessionTtlMillis);
    }

    /**
     * Applies the next committed entry (apply thread only). NOOP and MEMBERSHIP entries only advance the applied
     * index; a NORMAL entry is decoded as a {@link KvCommand} and executed at most once per (client, sequence).
     *
     * @throws IllegalStateException if {@code entry} is not the entry right after the applied index: a bug in
     *                               the caller, never caused by entry contents
     */
    public KvResult apply(Entry entry) {
        if (entry.index() != appliedIndex + 1) {
            throw new IllegalStateException("entry " + entry.index() + " applied out of order: applied index is "
                    + appliedIndex);
        }
        requireAvailable();
        lock.writeLock().lock();
        try {
            KvResult result = switch (entry.type()) {
                case NORMAL -> applyCommand(entry.data(), entry.index());
                case NOOP, MEMBERSHIP -> KvResult.error(KvResult.Code.NO_COMMAND, "", revision);
            };
            appliedIndex = entry.index();
            return result;
        } finally {
            lock.writeLock().unlock();
        }
    }

    private KvResult applyCommand(byte[] data, long index) {
        KvCommand command;
        try {
            command = KvCommandCodec.decode(data);
        } catch (MalformedCommandException e) {
            return KvResult.error(KvResult.Code.MALFORMED, "entry " + index + ": " + e.getMessage(), revision);
        }
        sessions.advanceClock(command.timestampMillis());
        KvResult early = sessions.screen(command.clientId(), command.sequence(), revision);
        if (early != null) {
            return early;
        }
        Optional<String> violation = KvLimits.check(command);
        KvResult result = violation.isPresent()
                ? KvResult.error(KvResult.Code.INVALID, violation.get(), revision)
                : execute(command, index);
        sessions.record(command.clientId(), command.sequence(), result);
        return result;
    }

    private KvResult execute(KvCommand command, long index) {
        byte[] key = command.key().array();
        StoredValue prior = map.get(key);
        if (command instanceof KvCommand.Put put) {
            return write(command.key(), prior, put.value(), index);
        }
        if (command instanceof KvCommand.Delete) {
            if (prior == null) {
                return new KvResult(KvResult.Code.NOT_FOUND, "", null, null, revision);
            }
            map.remove(key);
            keyCount--;
            revision = index;
            return new KvResult(KvResult.Code.OK, "", prior.toKeyValue(key), null, revision);
        }
        KvCommand.CompareAndSwap cas = (KvCommand.CompareAndSwap) command;
        if (!holds(cas.condition(), prior)) {
            KeyValue unchanged = prior == null ? null : prior.toKeyValue(key);
            return new KvResult(KvResult.Code.CONDITION_FAILED, "", unchanged, unchanged, revision);
        }
        return write(command.key(), prior, cas.newValue(), index);
    }

    private static boolean holds(KvCommand.Condition condition, StoredValue prior) {
        if (condition instanceof KvCommand.ValueEquals valueEquals) {
            return prior != null && Arrays.equals(prior.value(), valueEquals.expected().array());
        }
        long expected = ((KvCommand.VersionEquals) condition).expected();
        return expected == 0 ? prior == null : prior != null && prior.version() == expected;
    }

    private KvResult write(Bytes key, StoredValue prior, Bytes value, long index) {
        StoredValue next = prior == null
                ? new StoredValue(value.array(), index, index, 1)
                : new StoredValue(value.array(), prior.createRevision(), index, prior.version() + 1);
        map.put(key.array(), next);
        if (prior == null) {
            keyCount++;
        }
        revision = index;
        return new KvResult(KvResult.Code.OK, "", prior == null ? null : prior.toKeyValue(key.array()),
                next.toKeyValue(key.array()), revision);
    }

    /** The key's current version, if present. Lock-free; any thread. */
    public Optional<KeyValue> get(Bytes key) {
        requireAvailable();
        byte[] k = key.array();
        StoredValue stored = map.get(k);
        return stored == null ? Optional.empty() : Optional.of(stored.toKeyValue(k));
    }

    /**
     * One page of the keys starting with {@code prefix}, in ascending unsigned order, from one consistent state.
     * Any thread.
     *
     * @param prefix     only keys starting with it ({@link Bytes#EMPTY} for all keys)
     * @param startAfter only keys strictly after it, or null to start at the prefix; pass the previous page's
     *                   {@link RangeResult#continuation()} to page through
     * @param limit      at most this many entries, in {@code [1, KvLimits.MAX_RANGE_LIMIT]}
     */
    public RangeResult range(Bytes prefix, Bytes startAfter, int limit) {
        Objects.requireNonNull(prefix, "prefix");
        if (limit < 1 || limit > KvLimits.MAX_RANGE_LIMIT) {
            throw new IllegalArgumentException("limit must be in [1, " + KvLimits.MAX_RANGE_LIMIT + "], got " + limit);
        }
        byte[] p = prefix.array();
        lock.readLock().lock();
        try {
            requireAvailable();
            NavigableMap<byte[], StoredValue> tail = startAfter != null && startAfter.compareTo(prefix) >= 0
                    ? map.tailMap(startAfter.array(), false)
                    : map.tailMap(p, true);
            List<KeyValue> page = new ArrayList<>(Math.min(limit, 64));
            Bytes continuation = null;
            for (Map.Entry<byte[], StoredValue> e : tail.entrySet()) {
                if (!Bytes.startsWith(e.getKey(), p)) {
                    break;
                }
                if (page.size() == limit) {
                    continuation = page.get(limit - 1).key();
                    break;
                }
                page.add(e.getValue().toKeyValue(e.getKey()));
            }
            return new RangeResult(page, continuation, revision, appliedIndex);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The index of the last entry applied (0 before any). Any thread. */
    public long appliedIndex() {
        return appliedIndex;
    }

    /** The cluster revision: the log index of the last entry that changed a key (0 before any). Any thread. */
    public long revision() {
        return revision;
    }

    /** The number of keys. Any thread. */
    public long keyCount() {
        return keyCount;
    }

    /** The number of live client sessions. Apply thread only. */
    int sessionCount() {
        return sessions.size();
    }

    /**
     * Captures the current state for a snapshot (call on the apply thread, between entries). Copies only
     * references; write it out with {@link KvSnapshot#writeTo} on any thread.
     */
    public KvSnapshot capture() {
        lock.readLock().lock();
        try {
            requireAvailable();
            int count = Math.toIntExact(keyCount);
            byte[][] keys = new byte[count][];
            StoredValue[] values = new StoredValue[count];
            Iterator<Map.Entry<byte[], StoredValue>> it = map.entrySet().iterator();
            for (int i = 0; i < count; i++) {
                Map.Entry<byte[], StoredValue> e = it.next();
                keys[i] = e.getKey();
                values[i] = e.getValue();
            }
            return new KvSnapshot(appliedIndex, revision, sessions.clockMillis(), keys, values,
                    sessions.sessionsByClientId());
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Captures and writes a snapshot: {@code capture().writeTo(out)}. */
    public void writeSnapshot(OutputStream out) throws IOException {
        capture().writeTo(out);
    }

    /**
     * Replaces the whole state with a snapshot read from {@code in} to its end (apply thread only). The current
     * state is dropped first (see the class comment: memory, availability); the snapshot is validated
     * completely before it is installed.
     *
     * @throws SnapshotFormatException if the snapshot is truncated, corrupt or of an unknown format (names the
     *                                 offset); the machine then stays unavailable
     */
    public void restore(InputStream in) throws IOException {
        lock.writeLock().lock();
        try {
            unavailableReason = "a snapshot is being restored";
            map = newMap();
            keyCount = 0;
            sessions = new SessionTable(sessionTtlMillis);
        } finally {
            lock.writeLock().unlock();
        }
        SnapshotFormat.State state;
        try {
            state = SnapshotFormat.read(in);
        } catch (IOException | RuntimeException e) {
            unavailableReason = "the last snapshot restore failed: " + e.getMessage();
            throw e;
        }
        lock.writeLock().lock();
        try {
            map = state.map();
            keyCount = state.keyCount();
            revision = state.revision();
            appliedIndex = state.appliedIndex();
            sessions = SessionTable.restore(sessionTtlMillis, state.clockMillis(), state.sessions());
            unavailableReason = null;
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void requireAvailable() {
        String reason = unavailableReason;
        if (reason != null) {
            throw new IllegalStateException("KV state machine unavailable: " + reason);
        }
    }

    private static ConcurrentSkipListMap<byte[], StoredValue> newMap() {
        return new ConcurrentSkipListMap<>(Arrays::compareUnsigned);
    }
}
