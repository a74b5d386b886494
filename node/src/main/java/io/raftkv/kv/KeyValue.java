package io.raftkv.kv;

import java.util.Objects;

/**
 * A key as stored at some point in time. Revisions are Raft log indexes (etcd's model): {@code createRevision}
 * is the index of the entry that created the key, {@code modRevision} the index of the entry that last changed
 * it, and {@code version} counts the changes since creation (1 after the creating put).
 */
public record KeyValue(Bytes key, Bytes value, long createRevision, long modRevision, long version) {
    public KeyValue {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }
}
