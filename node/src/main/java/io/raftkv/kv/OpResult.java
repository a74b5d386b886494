package io.raftkv.kv;

import java.util.List;

/** The result of one {@link TxnOp} (rpc.proto ResponseOp); {@code revision} is etcd's header revision of it. */
public sealed interface OpResult permits OpResult.Range, OpResult.Put, OpResult.DeleteRange, OpResult.Txn {

    long revision();

    /**
     * @param kvs   the keys read, after filters, sort and limit (none for count_only)
     * @param more  true if {@code limit} left keys out
     * @param count the number of keys in the range at the revision read, before limit and filters
     */
    record Range(List<KeyValue> kvs, boolean more, long count, long revision) implements OpResult {
        public Range {
            kvs = List.copyOf(kvs);
        }
    }

    /** @param prev the key before the put, or null if absent; {@code current} the key after it */
    record Put(KeyValue prev, KeyValue current, long revision) implements OpResult {
    }

    /** @param prevKvs the deleted keys, if they were asked for */
    record DeleteRange(long deleted, List<KeyValue> prevKvs, long revision) implements OpResult {
        public DeleteRange {
            prevKvs = List.copyOf(prevKvs);
        }
    }

    record Txn(boolean succeeded, List<OpResult> responses, long revision) implements OpResult {
        public Txn {
            responses = List.copyOf(responses);
        }
    }
}
