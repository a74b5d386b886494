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
 * @param revision the cluster revision (log index of the last entry that changed the store) after the command
 */
public record KvResult(Code code, String detail, KeyValue prior, KeyValue current, long revision) {

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
        NO_COMMAND(8);

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

    /** True only for {@link Code#OK}. */
    public boolean succeeded() {
        return code == Code.OK;
    }

    static KvResult error(Code code, String detail, long revision) {
        return new KvResult(code, detail, null, null, revision);
    }
}
