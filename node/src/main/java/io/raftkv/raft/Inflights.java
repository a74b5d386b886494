package io.raftkv.raft;

/**
 * The AppendEntries sent to one follower and not yet acknowledged, as a ring of (last index, bytes). Bounds
 * pipelining by count and by bytes so a slow follower cannot make the leader buffer without limit.
 */
final class Inflights {
    private final long[] lastIndexes;
    private final long[] sizes;
    private final long maxBytes;
    private int start;
    private int count;
    private long bytes;

    Inflights(int capacity, long maxBytes) {
        this.lastIndexes = new long[capacity];
        this.sizes = new long[capacity];
        this.maxBytes = maxBytes;
    }

    void add(long lastIndex, long size) {
        if (count == lastIndexes.length) {
            throw new IllegalStateException("inflights full");
        }
        int slot = (start + count) % lastIndexes.length;
        lastIndexes[slot] = lastIndex;
        sizes[slot] = size;
        count++;
        bytes += size;
    }

    /** Frees every message whose last index is at or below {@code index} (acknowledged). */
    void freeLE(long index) {
        while (count > 0 && lastIndexes[start] <= index) {
            bytes -= sizes[start];
            start = (start + 1) % lastIndexes.length;
            count--;
        }
    }

    /** Frees the oldest message, so that a lost acknowledgement cannot stall the pipeline forever. */
    void freeFirst() {
        if (count > 0) {
            bytes -= sizes[start];
            start = (start + 1) % lastIndexes.length;
            count--;
        }
    }

    boolean full() {
        return count == lastIndexes.length || bytes >= maxBytes;
    }

    int count() {
        return count;
    }

    void reset() {
        start = 0;
        count = 0;
        bytes = 0;
    }
}
