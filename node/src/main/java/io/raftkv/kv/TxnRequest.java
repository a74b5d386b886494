package io.raftkv.kv;

import java.util.List;

/**
 * A transaction (rpc.proto TxnRequest): if every compare holds, the {@code success} operations run, otherwise the
 * {@code failure} ones; all in one revision. A single put or delete is a transaction with no compares.
 */
public record TxnRequest(List<Compare> compares, List<TxnOp> success, List<TxnOp> failure) {

    public TxnRequest {
        compares = List.copyOf(compares);
        success = List.copyOf(success);
        failure = List.copyOf(failure);
    }

    public static TxnRequest of(TxnOp op) {
        return new TxnRequest(List.of(), List.of(op), List.of());
    }

    /** True if some branch, at any depth, may write (etcd then applies it through Raft). */
    public boolean isWrite() {
        return writes(success) || writes(failure);
    }

    private static boolean writes(List<TxnOp> ops) {
        for (TxnOp op : ops) {
            if (op instanceof TxnOp.Put || op instanceof TxnOp.DeleteRange
                    || op instanceof TxnOp.Txn t && t.request().isWrite()) {
                return true;
            }
        }
        return false;
    }
}
