package io.raftkv.kv;

/**
 * A request the store refuses as a whole (nothing changed): etcd's mvcc and apply errors. Deterministic: every
 * replica refuses the same command the same way.
 */
public final class StoreException extends RuntimeException {

    /** Why; the API layers map each to their own status (etcd's codes and messages for the etcd API). */
    public enum Kind {
        /** The revision asked for is below the compacted revision. */
        COMPACTED,
        /** The revision asked for is above the current revision. */
        FUTURE_REVISION,
        /** ignore_value or ignore_lease on a key that does not exist. */
        KEY_NOT_FOUND,
        /** A put names a lease that does not exist. */
        LEASE_NOT_FOUND
    }

    private final Kind kind;

    public StoreException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
