package io.raftkv.kv;

import java.util.Objects;

/**
 * What applying one log entry produced. For commands this is the answer to the client; a retried command
 * gets the very same result again (including the revision of its first application).
 *
 * @param code     what happened
 * @param detail   why, for errors (deterministic text, identical on every replica); empty otherwise
 * @param prior    the key as it was before the command, or null if it was absent (for
 *                 {@link Code#CONDITION_FAILED}: its current, unchanged state); null for session and
 *                 validation errors
 * @param current  the key as it is after the command, or null if absent; its {@code modRevision} is the key's
 *                 new revision
 * @param revision the store revision after the command (etcd's: raised once per command that changed a key)
 * @param txn      for {@link KvCommand.Txn}: the transaction's result; null otherwise
 */
public record KvResult(Code code, String detail, KeyValue prior, KeyValue current, long revision, OpResult.Txn txn) {

    /** Outcomes. Stable wire ids: they are written into snapshots (the session table keeps results). */
    public enum Code {
        /** The command was applied and changed the store. */
        OK(1),
        /** A delete of a key that does not exist; nothing changed. */
        NOT_FOUND(2),
        /** A compare-and-swap whose condition did not hold; nothing changed. */
        CONDITION_FAILED(3),
        /** The sequence is older than the client's last one: the client already moved on; nothing changed. */
        STALE_SEQUENCE(4),
        /**
         * The client has no session (it expired, or its first command did not have sequence 1): the command
         * cannot be applied exactly once. The client must start over with a new client id and sequence 1.
         */
        SESSION_EXPIRED(5),
        /** The command breaks a limit of {@link KvLimits}; nothing changed. */
        INVALID(6),
        /** The entry is not a decodable command; nothing changed. */
        MALFORMED(7),
        /** A NOOP or MEMBERSHIP entry: only the applied index moved. */
        NO_COMMAND(8),
        /** A read or compaction at a revision already compacted; nothing changed. */
        COMPACTED(9),
        /** A read or compaction at a revision after the current one; nothing changed. */
        FUTURE_REVISION(10),
        /** ignore_value/ignore_lease on a missing key; nothing changed. */
        KEY_NOT_FOUND(11),
        /** A put with a lease that does not exist; nothing changed. */
        LEASE_NOT_FOUND(12);

        private final int wireId;

        Code(int wireId) {
            this.wireId = wireId;
        }

        int wireId() {
            return wireId;
        }

        static Code fromWireId(int id) {
            for (Code code : values()) {
                if (code.wireId == id) {
                    return code;
                }
            }
            return null;
        }
    }

    public KvResult {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(detail, "detail");
    }

    /** A result of a single-key command (no transaction result). */
    public KvResult(Code code, String detail, KeyValue prior, KeyValue current, long revision) {
        this(code, detail, prior, current, revision, null);
    }

    /** True only for {@link Code#OK}. */
    public boolean succeeded() {
        return code == Code.OK;
    }

    static KvResult error(Code code, String detail, long revision) {
        return new KvResult(code, detail, null, null, revision);
    }
}
