package io.raftkv.raft.message;

import io.raftkv.raft.Entry;

import java.util.List;

/**
 * AppendEntries (§5.3): entries following ({@code prevIndex}, {@code prevTerm}); {@code commit} is the
 * leader's commit index; {@code readRound} is the leader's current ReadIndex round, echoed back so the
 * leader learns that it was still leader after a read arrived (thesis §6.4).
 */
public record AppendEntries(long from, long to, long term, long prevIndex, long prevTerm, List<Entry> entries,
                            long commit, long readRound) implements Message {
    public AppendEntries {
        entries = List.copyOf(entries);
    }

    @Override
    public int sizeBytes() {
        int n = 56;
        for (Entry e : entries) {
            n += e.sizeBytes();
        }
        return n;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.onAppendEntries(this);
    }
}
