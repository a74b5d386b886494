package io.raftkv.kv;

import java.util.Objects;

/** One operation of a transaction branch (rpc.proto RequestOp). */
public sealed interface TxnOp permits TxnOp.Range, TxnOp.Put, TxnOp.DeleteRange, TxnOp.Txn {

    /** Reads, as {@link RangeQuery} describes. */
    record Range(RangeQuery query) implements TxnOp {
        public Range {
            Objects.requireNonNull(query, "query");
        }
    }

    /**
     * Sets {@code key}. {@code ignoreValue} keeps the current value (the key must exist; {@code value} must be
     * empty), {@code ignoreLease} the current lease; {@code prevKv} asks for the key as it was.
     */
    record Put(Bytes key, Bytes value, long lease, boolean prevKv, boolean ignoreValue, boolean ignoreLease)
            implements TxnOp {
        public Put {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }
    }

    /** Deletes every key of {@code range}; {@code prevKv} asks for the deleted keys. */
    record DeleteRange(KeyRange range, boolean prevKv) implements TxnOp {
        public DeleteRange {
            Objects.requireNonNull(range, "range");
        }
    }

    /** A nested transaction, executed in the same revision as its parent. */
    record Txn(TxnRequest request) implements TxnOp {
        public Txn {
            Objects.requireNonNull(request, "request");
        }
    }
}
