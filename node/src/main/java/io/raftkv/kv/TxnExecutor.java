package io.raftkv.kv;

import java.util.ArrayList;
import java.util.List;

/**
 * Executes a {@link TxnRequest} against an {@link MvccStore}, as etcd 3.4 applies one (etcdserver apply.go):
 * every compare, nested ones included, is evaluated first against the revision the transaction starts from;
 * then the chosen operations are checked (revisions of ranges, keys that ignore_value needs, leases) so that a
 * refused transaction changes nothing; then they run, all writes at one new revision, published at the end.
 *
 * <p>A write executor runs on the apply thread. A read-only transaction may run on any thread, against the
 * revision current when it starts (lock-free, see {@link MvccStore}).
 */
final class TxnExecutor {

    private final MvccStore store;
    private final long beginRevision;
    private final boolean mayWrite;
    private final List<byte[]> changed = new ArrayList<>();

    private TxnExecutor(MvccStore store, boolean mayWrite) {
        this.store = store;
        this.beginRevision = store.revision();
        this.mayWrite = mayWrite;
    }

    /** Applies a transaction (apply thread); the store's revision is raised if it changed anything. */
    static OpResult.Txn apply(MvccStore store, TxnRequest txn) {
        TxnExecutor executor = new TxnExecutor(store, true);
        OpResult.Txn result = executor.run(txn);
        if (!executor.changed.isEmpty()) {
            store.publish(executor.beginRevision + 1, executor.changed);
        }
        return result;
    }

    /** Runs a read-only transaction (any thread). */
    static OpResult.Txn read(MvccStore store, TxnRequest txn) {
        if (txn.isWrite()) {
            throw new IllegalArgumentException("not a read-only transaction");
        }
        return new TxnExecutor(store, false).run(txn);
    }

    private OpResult.Txn run(TxnRequest txn) {
        Path path = choose(txn);
        check(txn, path);
        return execute(txn, path);
    }

    /** Which branch each transaction takes, nested ones included, decided at the starting revision. */
    private record Path(boolean succeeded, List<Path> nested) {
    }

    private Path choose(TxnRequest txn) {
        boolean ok = true;
        for (Compare c : txn.compares()) {
            if (!holds(c)) {
                ok = false;
                break;
            }
        }
        List<Path> nested = new ArrayList<>();
        for (TxnOp op : ok ? txn.success() : txn.failure()) {
            if (op instanceof TxnOp.Txn t) {
                nested.add(choose(t.request()));
            }
        }
        return new Path(ok, nested);
    }

    private boolean holds(Compare c) {
        boolean any = false;
        for (var e : store.entries(c.range())) {
            StoredValue v = e.getValue().at(beginRevision);
            if (v == null) {
                continue;
            }
            any = true;
            if (!c.holdsFor(v)) {
                return false;
            }
        }
        return any || c.target() != Compare.Target.VALUE && c.holdsFor(null);
    }

    private void check(TxnRequest txn, Path path) {
        int nested = 0;
        for (TxnOp op : path.succeeded() ? txn.success() : txn.failure()) {
            if (op instanceof TxnOp.Range r) {
                long rev = r.query().revision();
                if (rev > beginRevision) {
                    throw new StoreException(StoreException.Kind.FUTURE_REVISION, "required revision " + rev
                            + " is a future revision (current " + beginRevision + ")");
                }
                if (rev > 0 && rev < store.compactRevision()) {
                    throw new StoreException(StoreException.Kind.COMPACTED, "required revision " + rev
                            + " has been compacted (compacted revision " + store.compactRevision() + ")");
                }
            } else if (op instanceof TxnOp.Put p) {
                if ((p.ignoreValue() || p.ignoreLease()) && store.at(p.key().array(), beginRevision) == null) {
                    throw new StoreException(StoreException.Kind.KEY_NOT_FOUND, "key " + p.key()
                            + " not found (ignore_value/ignore_lease need an existing key)");
                }
                if (p.lease() != 0) {
                    // Leases arrive with the lease service; until then no lease exists.
                    throw new StoreException(StoreException.Kind.LEASE_NOT_FOUND, "requested lease "
                            + Long.toHexString(p.lease()) + " not found");
                }
            } else if (op instanceof TxnOp.Txn t) {
                check(t.request(), path.nested().get(nested++));
            }
        }
    }

    private OpResult.Txn execute(TxnRequest txn, Path path) {
        List<OpResult> results = new ArrayList<>();
        int nested = 0;
        for (TxnOp op : path.succeeded() ? txn.success() : txn.failure()) {
            if (op instanceof TxnOp.Range r) {
                results.add(store.range(r.query(), readRevision()));
            } else if (op instanceof TxnOp.Put p) {
                results.add(put(p));
            } else if (op instanceof TxnOp.DeleteRange d) {
                results.add(delete(d));
            } else {
                results.add(execute(((TxnOp.Txn) op).request(), path.nested().get(nested++)));
            }
        }
        return new OpResult.Txn(path.succeeded(), results, readRevision());
    }

    /** The revision reads see: the starting one, or the one being written once something changed. */
    private long readRevision() {
        return changed.isEmpty() ? beginRevision : beginRevision + 1;
    }

    private OpResult.Put put(TxnOp.Put p) {
        requireWriter();
        long rev = beginRevision + 1;
        byte[] key = p.key().array();
        StoredValue prior = store.at(key, readRevision());
        byte[] value = p.ignoreValue() ? prior.value() : p.value().array();
        long lease = p.ignoreLease() ? prior.lease() : p.lease();
        StoredValue next = prior == null
                ? new StoredValue(value, rev, rev, 1, lease)
                : new StoredValue(value, prior.createRevision(), rev, prior.version() + 1, lease);
        store.append(key, next);
        changed.add(key);
        return new OpResult.Put(prior == null ? null : prior.toKeyValue(key), next.toKeyValue(key), rev);
    }

    private OpResult.DeleteRange delete(TxnOp.DeleteRange d) {
        requireWriter();
        long rev = beginRevision + 1;
        long at = readRevision();
        List<byte[]> keys = new ArrayList<>();
        List<KeyValue> prev = new ArrayList<>();
        for (var e : store.entries(d.range())) {
            StoredValue v = e.getValue().at(at);
            if (v != null) {
                keys.add(e.getKey());
                if (d.prevKv()) {
                    prev.add(v.toKeyValue(e.getKey()));
                }
            }
        }
        for (byte[] key : keys) {
            store.append(key, StoredValue.tombstone(rev));
            changed.add(key);
        }
        return new OpResult.DeleteRange(keys.size(), prev, changed.isEmpty() ? beginRevision : rev);
    }

    private void requireWriter() {
        if (!mayWrite) {
            throw new IllegalStateException("a read-only transaction tried to write");
        }
    }
}
