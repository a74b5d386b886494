/**
 * The RaftKV state machine: the multi-version key space that Raft replicates (docs/etcd-api.md).
 *
 * <ul>
 *   <li>{@link io.raftkv.kv.KvCommand} — the writes: RaftKV's put, delete and compare-and-swap (with exactly-once
 *       client sessions), etcd's transaction and compaction; {@link io.raftkv.kv.KvCommandCodec} turns them into
 *       {@code Entry.data} and back; {@link io.raftkv.kv.KvLimits} and {@link io.raftkv.kv.TxnChecks} hold what
 *       API layers check before proposing.</li>
 *   <li>{@link io.raftkv.kv.KvStateMachine} — applies committed entries (every write as a transaction, by one
 *       executor), serves reads at a revision, captures and restores snapshots; MvccStore keeps per key its
 *       versions until compacted.</li>
 *   <li>{@link io.raftkv.kv.TxnRequest}, {@link io.raftkv.kv.TxnOp}, {@link io.raftkv.kv.Compare},
 *       {@link io.raftkv.kv.RangeQuery}, {@link io.raftkv.kv.KeyRange} — requests in etcd's terms;
 *       {@link io.raftkv.kv.OpResult}, {@link io.raftkv.kv.KvResult}, {@link io.raftkv.kv.KeyValue},
 *       {@link io.raftkv.kv.RangeResult}, {@link io.raftkv.kv.Bytes} — immutable values handed to callers.</li>
 * </ul>
 */
package io.raftkv.kv;
