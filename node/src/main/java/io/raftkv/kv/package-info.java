/**
 * The RaftKV state machine: the key-value store that Raft replicates.
 *
 * <ul>
 *   <li>{@link io.raftkv.kv.KvCommand} — the writes (put, delete, compare-and-swap), each with a client session;
 *       {@link io.raftkv.kv.KvCommandCodec} turns them into {@code Entry.data} and back;
 *       {@link io.raftkv.kv.KvLimits} holds the size limits API layers check before proposing.</li>
 *   <li>{@link io.raftkv.kv.KvStateMachine} — applies committed entries, serves {@code get} and {@code range},
 *       captures and restores snapshots.</li>
 *   <li>{@link io.raftkv.kv.KvResult}, {@link io.raftkv.kv.KeyValue}, {@link io.raftkv.kv.RangeResult},
 *       {@link io.raftkv.kv.Bytes} — immutable values handed to callers.</li>
 * </ul>
 */
package io.raftkv.kv;
