package io.raftkv.kv;

import java.util.List;

/**
 * One page of a {@link KvStateMachine#range} scan, read from a single consistent state.
 *
 * @param entries      the keys in ascending unsigned order, at most the requested limit
 * @param continuation the key to pass as {@code startAfter} for the next page, or null if there is no more
 * @param revision     the cluster revision of the state that was read
 * @param appliedIndex the applied index of the state that was read
 */
public record RangeResult(List<KeyValue> entries, Bytes continuation, long revision, long appliedIndex) {
    public RangeResult {
        entries = List.copyOf(entries);
    }

    public boolean hasMore() {
        return continuation != null;
    }
}
