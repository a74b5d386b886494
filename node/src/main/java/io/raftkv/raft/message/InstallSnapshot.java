package io.raftkv.raft.message;

import io.raftkv.raft.SnapshotMeta;

/**
 * One chunk of an InstallSnapshot stream (§7): {@code data} holds the bytes at {@code offset} of the
 * snapshot described by {@code meta}; {@code done} marks the last chunk.
 */
public record InstallSnapshot(long from, long to, long term, SnapshotMeta meta, long offset, byte[] data,
                              boolean done) implements Message {
    @Override
    public int sizeBytes() {
        return 64 + data.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InstallSnapshot s && s.from == from && s.to == to && s.term == term
                && s.meta.equals(meta) && s.offset == offset && s.done == done
                && java.util.Arrays.equals(s.data, data);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(from, to, term, meta, offset, done) * 31 + java.util.Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "InstallSnapshot[from=" + from + ", to=" + to + ", term=" + term + ", meta=" + meta + ", offset="
                + offset + ", bytes=" + data.length + ", done=" + done + "]";
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.onInstallSnapshot(this);
    }
}
