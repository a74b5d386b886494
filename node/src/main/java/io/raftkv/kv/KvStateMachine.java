package io.raftkv.kv;

import io.raftkv.raft.Entry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The replicated key-value store: applies committed Raft entries in log order to an {@link MvccStore} and
 * serves reads. Every write command — RaftKV's put, delete and compare-and-swap, etcd's transactions — is
 * executed as a transaction by one {@link TxnExecutor} (docs/etcd-api.md).
 *
 * <h2>Threads</h2>
 * {@link #apply}, {@link #restore} and {@link #capture} belong to one thread, the apply thread. The reads are
 * safe from any thread. {@link #get}, {@link #range(RangeQuery)} and {@link #read(TxnRequest)} are lock-free:
 * they pin a revision of the MVCC store. {@link #range(Bytes, Bytes, int)} (RaftKV's paged listing, which
 * reports the applied index of the state it read) takes a read lock that each apply takes for writing.
 *
 * <h2>Determinism</h2>
 * Every replica applying the same entries reaches the same state and the same snapshot bytes: results depend
 * only on the entries (session expiry uses the proposers' timestamps, never the local clock; the automatic
 * compaction depends only on revisions), and malformed or refused commands become error results rather than
 * exceptions.
 *
 * <h2>History</h2>
 * Older versions stay readable until compacted: by an etcd Compact command, or automatically once more than
 * {@code historyRevisions} (+1/8, to compact in batches) revisions are retained — etcd's revision-mode
 * auto-compaction, decided in the state machine so that every member compacts at the same revision.
 *
 * <h2>Availability</h2>
 * While a restore runs, and after one failed, the machine is unavailable: {@link #apply}, the reads and
 * {@link #capture} throw {@link IllegalStateException} saying why, until a restore succeeds.
 */
public final class KvStateMachine {

    /** History kept by default: the last 100,000 revisions (see the class comment). */
    public static final long DEFAULT_HISTORY_REVISIONS = 100_000;

    private final long sessionTtlMillis;
    private final long historyRevisions;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    // Written only by the apply thread; volatile for readers.
    private volatile MvccStore store = new MvccStore();
    private volatile long appliedIndex;
    /** Null while usable; otherwise why reads and writes are refused. */
    private volatile String unavailableReason;
    // Apply thread only.
    private SessionTable sessions;

    /**
     * @param sessionTtl how long a client session lives without commands, in proposer (log) time; must be
     *                   the same on every member, and longer than any client keeps retrying one command
     */
    public KvStateMachine(Duration sessionTtl) {
        this(sessionTtl, DEFAULT_HISTORY_REVISIONS);
    }

    /** @param historyRevisions revisions of history kept before automatic compaction; 0 keeps all */
    public KvStateMachine(Duration sessionTtl, long historyRevisions) {
        if (sessionTtl.isNegative() || sessionTtl.isZero()) {
            throw new IllegalArgumentException("session TTL must be positive, got " + sessionTtl);
        }
        if (historyRevisions < 0) {
            throw new IllegalArgumentException("history revisions must be >= 0, got " + historyRevisions);
        }
        this.sessionTtlMillis = sessionTtl.toMillis();
        this.historyRevisions = historyRevisions;
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
                case NOOP, MEMBERSHIP -> KvResult.error(KvResult.Code.NO_COMMAND, "", store.revision());
            };
            appliedIndex = entry.index();
            return result;
        } finally {
            lock.writeLock().unlock();
        }
    }

    private KvResult applyCommand(byte[] data, long index) {
        MvccStore s = store;
        KvCommand command;
        try {
            command = KvCommandCodec.decode(data);
        } catch (MalformedCommandException e) {
            return KvResult.error(KvResult.Code.MALFORMED, "entry " + index + ": " + e.getMessage(), s.revision());
        }
        sessions.advanceClock(command.timestampMillis());
        boolean session = command.clientId() != 0;
        if (session) {
            KvResult early = sessions.screen(command.clientId(), command.sequence(), s.revision());
            if (early != null) {
                return early;
            }
        }
        Optional<String> violation = KvLimits.check(command);
        KvResult result = violation.isPresent()
                ? KvResult.error(KvResult.Code.INVALID, violation.get(), s.revision())
                : execute(s, command);
        if (session) {
            sessions.record(command.clientId(), command.sequence(), result);
        }
        compactAutomatically(s);
        return result;
    }

    private KvResult execute(MvccStore s, KvCommand command) {
        try {
            if (command instanceof KvCommand.Put put) {
                OpResult.Txn t = TxnExecutor.apply(s, TxnRequest.of(
                        new TxnOp.Put(put.key(), put.value(), 0, true, false, false)));
                OpResult.Put p = (OpResult.Put) t.responses().get(0);
                return new KvResult(KvResult.Code.OK, "", p.prev(), p.current(), s.revision());
            }
            if (command instanceof KvCommand.Delete delete) {
                OpResult.Txn t = TxnExecutor.apply(s, TxnRequest.of(
                        new TxnOp.DeleteRange(KeyRange.single(delete.key()), true)));
                OpResult.DeleteRange d = (OpResult.DeleteRange) t.responses().get(0);
                return d.deleted() == 0
                        ? new KvResult(KvResult.Code.NOT_FOUND, "", null, null, s.revision())
                        : new KvResult(KvResult.Code.OK, "", d.prevKvs().get(0), null, s.revision());
            }
            if (command instanceof KvCommand.CompareAndSwap cas) {
                return compareAndSwap(s, cas);
            }
            if (command instanceof KvCommand.Txn txn) {
                OpResult.Txn t = TxnExecutor.apply(s, txn.request());
                return new KvResult(KvResult.Code.OK, "", null, null, s.revision(), t);
            }
            s.compact(((KvCommand.Compact) command).revision());
            return new KvResult(KvResult.Code.OK, "", null, null, s.revision());
        } catch (StoreException e) {
            KvResult.Code code = switch (e.kind()) {
                case COMPACTED -> KvResult.Code.COMPACTED;
                case FUTURE_REVISION -> KvResult.Code.FUTURE_REVISION;
                case KEY_NOT_FOUND -> KvResult.Code.KEY_NOT_FOUND;
                case LEASE_NOT_FOUND -> KvResult.Code.LEASE_NOT_FOUND;
            };
            return KvResult.error(code, e.getMessage(), s.revision());
        }
    }

    /** A compare-and-swap is the transaction "if (compare) put else read". */
    private static KvResult compareAndSwap(MvccStore s, KvCommand.CompareAndSwap cas) {
        KeyRange key = KeyRange.single(cas.key());
        Compare compare = cas.condition() instanceof KvCommand.ValueEquals v
                ? new Compare(key, Compare.Target.VALUE, Compare.Result.EQUAL, 0, v.expected())
                : new Compare(key, Compare.Target.VERSION, Compare.Result.EQUAL,
                        ((KvCommand.VersionEquals) cas.condition()).expected(), Bytes.EMPTY);
        OpResult.Txn t = TxnExecutor.apply(s, new TxnRequest(List.of(compare),
                List.of(new TxnOp.Put(cas.key(), cas.newValue(), 0, true, false, false)),
                List.of(new TxnOp.Range(RangeQuery.of(key)))));
        if (t.succeeded()) {
            OpResult.Put p = (OpResult.Put) t.responses().get(0);
            return new KvResult(KvResult.Code.OK, "", p.prev(), p.current(), s.revision());
        }
        List<KeyValue> kvs = ((OpResult.Range) t.responses().get(0)).kvs();
        KeyValue unchanged = kvs.isEmpty() ? null : kvs.get(0);
        return new KvResult(KvResult.Code.CONDITION_FAILED, "", unchanged, unchanged, s.revision());
    }

    private void compactAutomatically(MvccStore s) {
        if (historyRevisions > 0 && s.revision() - s.compactRevision() > historyRevisions + historyRevisions / 8) {
            s.compact(s.revision() - historyRevisions);
        }
    }

    // ---------------------------------------------------------------------------------------------------- reads

    /** The key's current version, if present. Lock-free; any thread. */
    public Optional<KeyValue> get(Bytes key) {
        MvccStore s = liveStore();
        StoredValue v = s.at(key.array(), s.revision());
        return v == null ? Optional.empty() : Optional.of(v.toKeyValue(key.array()));
    }

    /**
     * etcd's Range (lock-free, any thread).
     *
     * @throws StoreException for a compacted or future revision
     */
    public OpResult.Range range(RangeQuery query) {
        MvccStore s = liveStore();
        return s.range(query, s.revision());
    }

    /**
     * Runs a read-only transaction against the current revision (lock-free, any thread).
     *
     * @throws StoreException for a compacted or future revision
     */
    public OpResult.Txn read(TxnRequest txn) {
        return TxnExecutor.read(liveStore(), txn);
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
        if (limit < 1 || limit > KvLimits.MAX_RANGE_LIMIT) {
            throw new IllegalArgumentException("limit must be in [1, " + KvLimits.MAX_RANGE_LIMIT + "], got " + limit);
        }
        Bytes from = prefix;
        if (startAfter != null && startAfter.compareTo(prefix) >= 0) {
            byte[] after = java.util.Arrays.copyOf(startAfter.array(), startAfter.length() + 1);
            from = Bytes.wrap(after);
        }
        KeyRange range = new KeyRange(from, KeyRange.prefixEnd(prefix));
        lock.readLock().lock();
        try {
            MvccStore s = liveStore();
            List<KeyValue> page = new ArrayList<>(Math.min(limit, 64));
            Bytes continuation = null;
            long rev = s.revision();
            for (Map.Entry<byte[], KeyHistory> e : s.entries(range)) {
                StoredValue v = e.getValue().at(rev);
                if (v == null) {
                    continue;
                }
                if (page.size() == limit) {
                    continuation = page.get(limit - 1).key();
                    break;
                }
                page.add(v.toKeyValue(e.getKey()));
            }
            return new RangeResult(page, continuation, rev, appliedIndex);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The index of the last entry applied (0 before any). Any thread. */
    public long appliedIndex() {
        return appliedIndex;
    }

    /** The store revision: 1 on an empty store, raised by one per command that changed a key. Any thread. */
    public long revision() {
        return store.revision();
    }

    /** The revision history was last compacted at (0: never). Any thread. */
    public long compactRevision() {
        return store.compactRevision();
    }

    /** The number of keys. Any thread. */
    public long keyCount() {
        return store.keyCount();
    }

    /** The number of live client sessions. Apply thread only. */
    int sessionCount() {
        return sessions.size();
    }

    // ------------------------------------------------------------------------------------------------ snapshots

    /**
     * Captures the current state for a snapshot (call on the apply thread, between entries). Copies only
     * references (histories are immutable); write it out with {@link KvSnapshot#writeTo} on any thread.
     */
    public KvSnapshot capture() {
        MvccStore s = liveStore();
        Map<byte[], KeyHistory> histories = s.histories();
        int count = histories.size();
        byte[][] keys = new byte[count][];
        KeyHistory[] values = new KeyHistory[count];
        int i = 0;
        for (Map.Entry<byte[], KeyHistory> e : histories.entrySet()) {
            keys[i] = e.getKey();
            values[i++] = e.getValue();
        }
        return new KvSnapshot(appliedIndex, s.revision(), s.compactRevision(), sessions.clockMillis(), keys, values,
                s.keyCount(), sessions.sessionsByClientId());
    }

    /** Captures and writes a snapshot: {@code capture().writeTo(out)}. */
    public void writeSnapshot(OutputStream out) throws IOException {
        capture().writeTo(out);
    }

    /**
     * Replaces the whole state with a snapshot read from {@code in} to its end (apply thread only). The current
     * state is dropped first (a node never holds two full copies); the snapshot is validated completely before
     * it is installed.
     *
     * @throws SnapshotFormatException if the snapshot is truncated, corrupt or of an unknown format (names the
     *                                 offset); the machine then stays unavailable
     */
    public void restore(InputStream in) throws IOException {
        lock.writeLock().lock();
        try {
            unavailableReason = "a snapshot is being restored";
            store = new MvccStore();
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
            store = new MvccStore(state.index(), state.revision(), state.compactRevision());
            appliedIndex = state.appliedIndex();
            sessions = SessionTable.restore(sessionTtlMillis, state.clockMillis(), state.sessions());
            unavailableReason = null;
        } finally {
            lock.writeLock().unlock();
        }
    }

    private MvccStore liveStore() {
        MvccStore s = store;
        requireAvailable();
        return s;
    }

    private void requireAvailable() {
        String reason = unavailableReason;
        if (reason != null) {
            throw new IllegalStateException("KV state machine unavailable: " + reason);
        }
    }
}
