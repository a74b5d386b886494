package io.raftkv.raft;

import java.util.ArrayList;
import java.util.List;

/**
 * The in-memory view of the log: the entries after the compaction point, the commit index, and the
 * bookkeeping of what has been handed out for persistence and application.
 *
 * <pre>
 *   offset   stable      unstableFrom-1   lastIndex
 *     |--------|---------------|---------------|
 *     compacted | durable       | handed out,   | not yet handed out
 *               |               | not yet acked |
 * </pre>
 * Indexes above {@link #stableIndex()} may still be lost in a crash; only entries at or below it count toward
 * this node's own acknowledgement (thesis §10.2.1) and only they are handed out to be applied.
 */
final class RaftLog {
    /** Returned by {@link #term(long)} for an index that is compacted away or beyond the end of the log. */
    static final long UNKNOWN = -1;

    private final ArrayList<Entry> entries = new ArrayList<>();
    /** Index and term of the entry just before {@code entries.get(0)} (the compaction point). */
    private long offset;
    private long offsetTerm;
    private long committed;
    private long stable;
    private long unstableFrom;
    /** Highest index handed out in {@link Ready#committedEntries()}. */
    private long applying;

    RaftLog(long offset, long offsetTerm, List<Entry> recovered, long commit) {
        this.offset = offset;
        this.offsetTerm = offsetTerm;
        entries.addAll(recovered);
        long last = lastIndex();
        if (commit > last) {
            throw new IllegalStateException("persisted commit index " + commit + " is beyond the last log index "
                    + last + ": the log lost committed entries");
        }
        this.committed = Math.max(commit, offset);
        this.stable = last;
        this.unstableFrom = last + 1;
        this.applying = offset;
    }

    long offset() {
        return offset;
    }

    long firstIndex() {
        return offset + 1;
    }

    long lastIndex() {
        return offset + entries.size();
    }

    long lastTerm() {
        return entries.isEmpty() ? offsetTerm : entries.get(entries.size() - 1).term();
    }

    long committed() {
        return committed;
    }

    long stableIndex() {
        return stable;
    }

    long applying() {
        return applying;
    }

    /** The term of the entry at {@code index}, or {@link #UNKNOWN} if compacted or absent. */
    long term(long index) {
        if (index == offset) {
            return offsetTerm;
        }
        if (index < offset || index > lastIndex()) {
            return UNKNOWN;
        }
        return entries.get((int) (index - offset - 1)).term();
    }

    Entry entry(long index) {
        return entries.get((int) (index - offset - 1));
    }

    boolean matchTerm(long index, long term) {
        long t = term(index);
        return t != UNKNOWN && t == term;
    }

    /**
     * Whether a candidate's log with the given last entry is at least as up to date as ours (§5.4.1): later
     * term wins; with equal terms, the longer log wins.
     */
    boolean isUpToDate(long lastIndex, long lastTerm) {
        long myTerm = lastTerm();
        return lastTerm > myTerm || (lastTerm == myTerm && lastIndex >= lastIndex());
    }

    /** Appends a new entry at the end (leader side). */
    void append(Entry e) {
        if (e.index() != lastIndex() + 1) {
            throw new IllegalStateException("append at " + e.index() + " but last index is " + lastIndex());
        }
        entries.add(e);
    }

    /**
     * The first index among {@code incoming} whose term differs from ours or that we lack; {@code 0} if we
     * already hold all of them. Entries at or below the compaction point are committed and therefore match.
     */
    long findConflict(List<Entry> incoming) {
        for (Entry e : incoming) {
            if (e.index() <= offset) {
                continue;
            }
            if (!matchTerm(e.index(), e.term())) {
                return e.index();
            }
        }
        return 0;
    }

    /**
     * Removes every entry from {@code index} on (a conflicting suffix, §5.3) and forgets any durability of
     * them. Committed entries are never truncated: a leader's log holds them all (Leader Completeness).
     */
    void truncateFrom(long index) {
        if (index <= committed) {
            throw new IllegalStateException("refusing to truncate committed entry " + index + " (commit " + committed + ")");
        }
        if (index > lastIndex()) {
            return;
        }
        entries.subList((int) (index - offset - 1), entries.size()).clear();
        stable = Math.min(stable, index - 1);
        unstableFrom = Math.min(unstableFrom, index);
    }

    /**
     * Largest index at or below {@code index} whose term is at most {@code term}: everything between it and
     * {@code index} conflicts with a log whose entry at {@code index} has {@code term}, so one round trip can
     * skip a whole term (§5.3 optimization). Stops at the compaction point.
     */
    long findConflictByTerm(long index, long term) {
        long i = Math.min(index, lastIndex());
        while (i > offset) {
            if (term(i) <= term) {
                return i;
            }
            i--;
        }
        return Math.max(i, offset);
    }

    /** Entries in [lo, hi] (inclusive), at least one if any, and at most about {@code maxBytes}. */
    List<Entry> slice(long lo, long hi, long maxBytes) {
        if (lo > hi) {
            return List.of();
        }
        int from = (int) (lo - offset - 1);
        int to = (int) (hi - offset);
        long bytes = 0;
        int end = from;
        while (end < to) {
            bytes += entries.get(end).sizeBytes();
            if (bytes > maxBytes && end > from) {
                break;
            }
            end++;
        }
        return List.copyOf(entries.subList(from, end));
    }

    void commitTo(long index) {
        if (index > committed) {
            if (index > lastIndex()) {
                throw new IllegalStateException("commit " + index + " beyond last index " + lastIndex());
            }
            committed = index;
        }
    }

    /** Entries not yet handed out for persistence; marks them handed out. */
    List<Entry> takeUnstable() {
        long last = lastIndex();
        if (unstableFrom > last) {
            return List.of();
        }
        List<Entry> out = List.copyOf(entries.subList((int) (unstableFrom - offset - 1), entries.size()));
        unstableFrom = last + 1;
        return out;
    }

    boolean hasUnstable() {
        return unstableFrom <= lastIndex();
    }

    /** The caller reports entries through ({@code index}, {@code term}) durable; ignored if since truncated. */
    void stableTo(long index, long term) {
        if (index > stable && index < unstableFrom && matchTerm(index, term)) {
            stable = index;
        }
    }

    /** Committed and durable entries not yet handed out to be applied, up to about {@code maxBytes}. */
    List<Entry> takeCommitted(long maxBytes) {
        long hi = Math.min(committed, stable);
        if (hi <= applying) {
            return List.of();
        }
        List<Entry> out = slice(applying + 1, hi, maxBytes);
        applying = out.get(out.size() - 1).index();
        return out;
    }

    boolean hasCommittedToApply() {
        return Math.min(committed, stable) > applying;
    }

    /** Drops entries up to and including {@code index}, which a snapshot covers. */
    void compactTo(long index) {
        if (index <= offset) {
            return;
        }
        if (index > applying || index > stable) {
            throw new IllegalArgumentException("cannot compact to " + index + " beyond applied " + applying
                    + " / stable " + stable);
        }
        long newTerm = term(index);
        entries.subList(0, (int) (index - offset)).clear();
        offset = index;
        offsetTerm = newTerm;
    }

    /** Replaces the whole log by a snapshot received from the leader (§7). */
    void restore(SnapshotMeta snapshot) {
        entries.clear();
        offset = snapshot.index();
        offsetTerm = snapshot.term();
        committed = snapshot.index();
        stable = snapshot.index();
        unstableFrom = snapshot.index() + 1;
        applying = snapshot.index();
    }
}
