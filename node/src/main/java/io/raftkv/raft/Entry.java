package io.raftkv.raft;

import java.util.Objects;

/**
 * One log entry. Immutable; {@code data} is never modified after construction (callers hand over ownership).
 */
public record Entry(long index, long term, EntryType type, byte[] data) {

    /** Bytes counted for batching and flow-control limits: the payload plus a fixed framing estimate. */
    public static final int OVERHEAD_BYTES = 24;

    private static final byte[] EMPTY = new byte[0];

    public Entry {
        Objects.requireNonNull(type, "type");
        if (data == null) {
            data = EMPTY;
        }
    }

    public static Entry normal(long index, long term, byte[] data) {
        return new Entry(index, term, EntryType.NORMAL, data);
    }

    public static Entry noop(long index, long term) {
        return new Entry(index, term, EntryType.NOOP, EMPTY);
    }

    public int sizeBytes() {
        return data.length + OVERHEAD_BYTES;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Entry e && e.index == index && e.term == term && e.type == type
                && java.util.Arrays.equals(e.data, data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(index, term, type) * 31 + java.util.Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Entry{" + index + "@" + term + " " + type + " " + data.length + "B}";
    }
}
