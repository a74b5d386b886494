package io.raftkv.kv;

import java.util.Objects;

/**
 * A write proposed through Raft (encoded by {@link KvCommandCodec} into {@code Entry.data}).
 *
 * <p>Every command carries the session fields of thesis §6.3 (exactly-once semantics): a {@code clientId}, a
 * per-client {@code sequence} starting at 1 and growing by at least one per new command (a retry reuses the
 * sequence of the command it retries), and {@code timestampMillis}, the proposing leader's wall clock, used
 * only to expire idle sessions deterministically (every replica sees the same timestamps in the log).
 * A session begins with the client's command of sequence 1; a higher sequence from a client without a session
 * (never started, or expired) is refused with {@link KvResult.Code#SESSION_EXPIRED}, because the store can no
 * longer tell whether it was already applied. Such a client continues under a new client id from sequence 1.
 *
 * <p>The constructors check structure only (no nulls, sequence &ge; 1, timestamp &ge; 0); sizes are checked by
 * {@link KvLimits#check(KvCommand)}, so that an oversize command that reached the log is still applied — as a
 * deterministic error — rather than failing to decode.
 */
public sealed interface KvCommand permits KvCommand.SingleKey, KvCommand.Txn, KvCommand.Compact {

    /** The session's client; 0 means no session (etcd's semantics: a retry may apply the command again). */
    long clientId();

    long sequence();

    long timestampMillis();

    /** RaftKV's own commands, each on one key (they keep their log encoding; docs/etcd-api.md). */
    sealed interface SingleKey extends KvCommand permits Put, Delete, CompareAndSwap {
        Bytes key();
    }

    /** Sets {@code key} to {@code value}, creating it if absent. */
    record Put(long clientId, long sequence, long timestampMillis, Bytes key, Bytes value) implements SingleKey {
        public Put {
            checkSession(sequence, timestampMillis);
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }
    }

    /** Removes {@code key}; answers {@link KvResult.Code#NOT_FOUND} (and changes nothing) if it is absent. */
    record Delete(long clientId, long sequence, long timestampMillis, Bytes key) implements SingleKey {
        public Delete {
            checkSession(sequence, timestampMillis);
            Objects.requireNonNull(key, "key");
        }
    }

    /**
     * Sets {@code key} to {@code newValue} only if {@code condition} holds for its current state; otherwise
     * changes nothing and answers {@link KvResult.Code#CONDITION_FAILED} with the current state.
     */
    record CompareAndSwap(long clientId, long sequence, long timestampMillis, Bytes key, Condition condition,
                          Bytes newValue) implements SingleKey {
        public CompareAndSwap {
            checkSession(sequence, timestampMillis);
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(condition, "condition");
            Objects.requireNonNull(newValue, "newValue");
        }
    }

    /**
     * An etcd transaction (a single etcd Put or DeleteRange is one with no compares). Executed by the same code as
     * {@link Put}, {@link Delete} and {@link CompareAndSwap}, which are transactions too (docs/etcd-api.md).
     * Session-less for now ({@code clientId} 0): the snapshot format does not yet keep transaction results.
     */
    record Txn(long clientId, long sequence, long timestampMillis, TxnRequest request) implements KvCommand {
        public Txn {
            checkSession(sequence, timestampMillis);
            requireNoSession(clientId);
            Objects.requireNonNull(request, "request");
        }
    }

    /** Compacts the history at {@code revision} (etcd's Compact; always physical here). Session-less. */
    record Compact(long clientId, long sequence, long timestampMillis, long revision) implements KvCommand {
        public Compact {
            checkSession(sequence, timestampMillis);
            requireNoSession(clientId);
        }
    }

    /** What a {@link CompareAndSwap} requires of the key's current state. */
    sealed interface Condition permits ValueEquals, VersionEquals {
    }

    /** The key exists and its value equals {@code expected} byte for byte (an absent key never matches). */
    record ValueEquals(Bytes expected) implements Condition {
        public ValueEquals {
            Objects.requireNonNull(expected, "expected");
        }
    }

    /** The key's version is {@code expected}; version 0 means "the key must not exist". */
    record VersionEquals(long expected) implements Condition {
        public static final VersionEquals MUST_NOT_EXIST = new VersionEquals(0);

        public VersionEquals {
            if (expected < 0) {
                throw new IllegalArgumentException("expected version must be >= 0, got " + expected);
            }
        }
    }

    private static void requireNoSession(long clientId) {
        if (clientId != 0) {
            throw new IllegalArgumentException("transactions and compactions carry no session yet (client id 0), got "
                    + Long.toUnsignedString(clientId));
        }
    }

    private static void checkSession(long sequence, long timestampMillis) {
        if (sequence < 1) {
            throw new IllegalArgumentException("sequence must be >= 1, got " + sequence);
        }
        if (timestampMillis < 0) {
            throw new IllegalArgumentException("timestampMillis must be >= 0, got " + timestampMillis);
        }
    }
}
