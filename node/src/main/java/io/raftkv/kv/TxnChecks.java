package io.raftkv.kv;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What etcd refuses in a transaction before it is proposed (etcd 3.4's v3rpc checkTxnRequest and
 * checkIntervals), plus RaftKV's size limits. The API layers check before proposing; the state machine checks
 * again on apply, so a command that bypassed the API is refused the same way on every replica.
 */
public final class TxnChecks {

    /** etcd's default --max-txn-ops: most compares, and most operations per branch, of one transaction. */
    public static final int MAX_TXN_OPS = 128;
    /** Deepest nesting of transactions accepted (etcd has no limit but its request size; this bounds recursion). */
    public static final int MAX_NESTING = 32;

    /** Why a request is refused; {@code kind} picks the API's error. */
    public record Violation(Kind kind, String message) {
    }

    public enum Kind { EMPTY_KEY, TOO_LARGE, TOO_MANY_OPS, DUPLICATE_KEY, VALUE_PROVIDED, LEASE_PROVIDED }

    private TxnChecks() {
    }

    public static Optional<Violation> check(TxnRequest txn) {
        try {
            checkTxn(txn, 0);
            checkIntervals(txn.success());
            checkIntervals(txn.failure());
            return Optional.empty();
        } catch (Refused r) {
            return Optional.of(r.violation);
        }
    }

    /** Checks one range read (etcd: the key must be given). */
    public static Optional<Violation> check(RangeQuery query) {
        try {
            checkKey(query.range().key(), "key");
            return Optional.empty();
        } catch (Refused r) {
            return Optional.of(r.violation);
        }
    }

    private static void checkTxn(TxnRequest txn, int depth) {
        if (depth > MAX_NESTING) {
            throw refused(Kind.TOO_MANY_OPS, "transactions nested deeper than " + MAX_NESTING);
        }
        if (txn.compares().size() > MAX_TXN_OPS || txn.success().size() > MAX_TXN_OPS
                || txn.failure().size() > MAX_TXN_OPS) {
            throw refused(Kind.TOO_MANY_OPS, "too many operations in txn request (limit " + MAX_TXN_OPS + ")");
        }
        for (Compare c : txn.compares()) {
            checkKey(c.range().key(), "compare key");
            checkValue(c.value(), "compare value");
        }
        checkOps(txn.success(), depth);
        checkOps(txn.failure(), depth);
    }

    private static void checkOps(List<TxnOp> ops, int depth) {
        for (TxnOp op : ops) {
            if (op instanceof TxnOp.Range r) {
                checkKey(r.query().range().key(), "range key");
            } else if (op instanceof TxnOp.Put p) {
                checkKey(p.key(), "put key");
                checkValue(p.value(), "value");
                if (p.ignoreValue() && !p.value().isEmpty()) {
                    throw refused(Kind.VALUE_PROVIDED, "value is provided (with ignore_value)");
                }
                if (p.ignoreLease() && p.lease() != 0) {
                    throw refused(Kind.LEASE_PROVIDED, "lease is provided (with ignore_lease)");
                }
            } else if (op instanceof TxnOp.DeleteRange d) {
                checkKey(d.range().key(), "delete key");
            } else {
                checkTxn(((TxnOp.Txn) op).request(), depth + 1);
            }
        }
    }

    private static void checkKey(Bytes key, String what) {
        if (key.isEmpty()) {
            throw refused(Kind.EMPTY_KEY, what + " is not provided");
        }
        if (key.length() > KvLimits.MAX_KEY_BYTES) {
            throw refused(Kind.TOO_LARGE, what + " is " + key.length() + " bytes, more than the limit of "
                    + KvLimits.MAX_KEY_BYTES);
        }
    }

    private static void checkValue(Bytes value, String what) {
        if (value.length() > KvLimits.MAX_VALUE_BYTES) {
            throw refused(Kind.TOO_LARGE, what + " is " + value.length() + " bytes, more than the limit of "
                    + KvLimits.MAX_VALUE_BYTES);
        }
    }

    /** A delete's interval as etcd's interval tree sees it: [key, end), or the point key; "\0" is not special. */
    private record Interval(byte[] begin, byte[] end) {
        boolean containsPoint(byte[] k) {
            if (end == null) {
                return Arrays.equals(begin, k);
            }
            return Arrays.compareUnsigned(begin, k) <= 0 && Arrays.compareUnsigned(k, end) < 0;
        }
    }

    /** The puts of a branch (with its nested branches) and its deletes. */
    private record Writes(Set<Bytes> puts, List<Interval> deletes) {
    }

    /**
     * etcd's duplicate-key rule: within what one transaction may execute, no key is put twice and no key is both
     * put and deleted (the then and else branches of a nested transaction exclude each other, so the same key
     * may be put in both). Deletes may overlap each other.
     */
    private static Writes checkIntervals(List<TxnOp> ops) {
        List<Interval> dels = new ArrayList<>();
        for (TxnOp op : ops) {
            if (op instanceof TxnOp.DeleteRange d) {
                KeyRange r = d.range();
                dels.add(new Interval(r.key().array(), r.isSingleKey() ? null : r.end().array()));
            }
        }
        Set<Bytes> puts = new HashSet<>();
        for (TxnOp op : ops) {
            if (!(op instanceof TxnOp.Txn t)) {
                continue;
            }
            Writes then = checkIntervals(t.request().success());
            Writes otherwise = checkIntervals(t.request().failure());
            for (Bytes k : then.puts()) {
                if (puts.contains(k) || intersects(dels, k)) {
                    throw duplicate();
                }
                puts.add(k);
            }
            for (Bytes k : otherwise.puts()) {
                if (puts.contains(k) && !then.puts().contains(k) || intersects(dels, k)) {
                    throw duplicate();
                }
                puts.add(k);
            }
            dels.addAll(then.deletes());
            dels.addAll(otherwise.deletes());
        }
        for (TxnOp op : ops) {
            if (op instanceof TxnOp.Put p) {
                if (puts.contains(p.key()) || intersects(dels, p.key())) {
                    throw duplicate();
                }
                puts.add(p.key());
            }
        }
        return new Writes(puts, dels);
    }

    private static boolean intersects(List<Interval> dels, Bytes key) {
        byte[] k = key.array();
        for (Interval i : dels) {
            if (i.containsPoint(k)) {
                return true;
            }
        }
        return false;
    }

    private static Refused duplicate() {
        return refused(Kind.DUPLICATE_KEY, "duplicate key given in txn request");
    }

    private static Refused refused(Kind kind, String message) {
        return new Refused(new Violation(kind, message));
    }

    private static final class Refused extends RuntimeException {
        private final Violation violation;

        Refused(Violation violation) {
            super(violation.message(), null, false, false);
            this.violation = violation;
        }
    }
}
