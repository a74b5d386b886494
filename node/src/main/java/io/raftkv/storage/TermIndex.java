package io.raftkv.storage;

import java.util.Arrays;

/**
 * The term of every index in the log, kept as runs of equal terms (terms change rarely, so this stays tiny
 * however long the log). It applies the log's two rewriting rules exactly as both the writer and recovery must:
 * an append at or below the last index replaces the suffix from there (§5.3); at recovery the newest snapshot
 * becomes the base of the log, keeping later entries only if the log holds the snapshot's own entry (§7).
 *
 * <p>The anchor is the entry just before the first one held: the snapshot the log continues, or (0, 0).
 */
final class TermIndex {

    private long anchorIndex;
    private long anchorTerm;
    private long lastIndex;
    private long[] runStarts = new long[8];
    private long[] runTerms = new long[8];
    private int runs;

    TermIndex(long anchorIndex, long anchorTerm) {
        reset(anchorIndex, anchorTerm);
    }

    long anchorIndex() {
        return anchorIndex;
    }

    long anchorTerm() {
        return anchorTerm;
    }

    long lastIndex() {
        return lastIndex;
    }

    long lastTerm() {
        return termAt(lastIndex);
    }

    /** The term of the entry at {@code index} (the anchor included), or -1 if the log does not hold it. */
    long termAt(long index) {
        if (index == anchorIndex) {
            return anchorTerm;
        }
        if (index < anchorIndex || index > lastIndex) {
            return -1;
        }
        int lo = 0;
        int hi = runs - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (runStarts[mid] <= index) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return runTerms[lo];
    }

    boolean contains(long index, long term) {
        return term >= 0 && termAt(index) == term;
    }

    /**
     * Records the entry (index, term), first discarding any entries from {@code index} on.
     *
     * @throws IllegalArgumentException if the entry would leave a gap, rewrite the anchor or earlier, or
     *         lower the term (terms never decrease along a Raft log)
     */
    void append(long index, long term) {
        if (index <= anchorIndex || index > lastIndex + 1) {
            throw new IllegalArgumentException("entry index " + index + " does not fit a log holding indexes "
                    + (anchorIndex + 1) + ".." + lastIndex);
        }
        long previousTerm = termAt(index - 1);
        if (term < previousTerm) {
            throw new IllegalArgumentException("entry " + index + " has term " + term
                    + ", lower than the preceding entry's term " + previousTerm);
        }
        if (index <= lastIndex) {
            lastIndex = index - 1;
            while (runs > 0 && runStarts[runs - 1] > lastIndex) {
                runs--;
            }
        }
        if (runs == 0 || runTerms[runs - 1] != term) {
            if (runs == runStarts.length) {
                runStarts = Arrays.copyOf(runStarts, runs * 2);
                runTerms = Arrays.copyOf(runTerms, runs * 2);
            }
            runStarts[runs] = index;
            runTerms[runs] = term;
            runs++;
        }
        lastIndex = index;
    }

    /**
     * Makes the snapshot (index, term) the base of the log: entries up to {@code index} are gone; later ones
     * stay only if the log holds the snapshot's entry (Log Matching makes them a valid continuation), else
     * the whole log is discarded (§7).
     *
     * @return whether entries after the snapshot were kept
     * @throws IllegalArgumentException if the snapshot is older than the current anchor
     */
    boolean rebase(long index, long term) {
        if (index < anchorIndex) {
            throw new IllegalArgumentException("snapshot at index " + index + " is older than the log's base at "
                    + anchorIndex);
        }
        if (!contains(index, term)) {
            reset(index, term);
            return false;
        }
        int firstKept = 0;
        while (firstKept + 1 < runs && runStarts[firstKept + 1] <= index + 1) {
            firstKept++;
        }
        if (lastIndex == index) {
            runs = 0;
        } else {
            System.arraycopy(runStarts, firstKept, runStarts, 0, runs - firstKept);
            System.arraycopy(runTerms, firstKept, runTerms, 0, runs - firstKept);
            runs -= firstKept;
            runStarts[0] = Math.max(runStarts[0], index + 1);
        }
        anchorIndex = index;
        anchorTerm = term;
        return true;
    }

    /** Empties the log: it now continues (index, term). */
    void reset(long index, long term) {
        anchorIndex = index;
        anchorTerm = term;
        lastIndex = index;
        runs = 0;
    }
}
