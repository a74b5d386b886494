package io.raftkv.kv;

import java.util.Objects;

/**
 * A key as stored at some revision (etcd's model): {@code createRevision} is the store revision of the write
 * that created the key, {@code modRevision} that of the write that last changed it, {@code version} counts the
 * puts since creation (1 after the creating put), {@code lease} is the attached lease (0: none).
 */
public record KeyValue(Bytes key, Bytes value, long createRevision, long modRevision, long version, long lease) {
    public KeyValue {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }

    /** A key without a lease. */
    public KeyValue(Bytes key, Bytes value, long createRevision, long modRevision, long version) {
        this(key, value, createRevision, modRevision, version, 0);
    }

    /** The same key without its value (etcd's keys_only). */
    public KeyValue withoutValue() {
        return new KeyValue(key, Bytes.EMPTY, createRevision, modRevision, version, lease);
    }
}
