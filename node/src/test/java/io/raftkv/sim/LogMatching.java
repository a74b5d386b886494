package io.raftkv.sim;

import java.util.ArrayList;
import java.util.Arrays;

/**
 * Log Matching (§5.3) over every log of the run: for each (index, term) that ever appeared in any node's log,
 * the chain value of the prefix ending there. If two logs hold an entry with the same index and term, their
 * prefixes up to it must be identical, i.e. have the same chain value.
 */
final class LogMatching {

    /** byIndex.get(i) = {term1, chain1, term2, chain2, ...} for index i. */
    private final ArrayList<long[]> byIndex = new ArrayList<>();

    void entryInLog(long nodeId, long index, long term, long chain) {
        while (byIndex.size() <= index) {
            byIndex.add(null);
        }
        long[] seen = byIndex.get((int) index);
        if (seen != null) {
            for (int i = 0; i < seen.length; i += 2) {
                if (seen[i] == term) {
                    if (seen[i + 1] != chain) {
                        throw new InvariantViolation(Property.LOG_MATCHING, "node " + nodeId + " holds entry "
                                + index + "@" + term + " after a prefix that differs from another log's prefix"
                                + " ending in the same entry (index, term)");
                    }
                    return;
                }
            }
            seen = Arrays.copyOf(seen, seen.length + 2);
        } else {
            seen = new long[2];
        }
        seen[seen.length - 2] = term;
        seen[seen.length - 1] = chain;
        byIndex.set((int) index, seen);
    }

    /**
     * The chain value of the prefix ending at (index, term) as some log held it; index 0 is the empty prefix.
     * Throws if no log ever held that entry (a snapshot of an entry that never existed).
     */
    long chainOf(long nodeId, long index, long term) {
        if (index == 0) {
            return HashChain.EMPTY;
        }
        long[] seen = index < byIndex.size() ? byIndex.get((int) index) : null;
        if (seen != null) {
            for (int i = 0; i < seen.length; i += 2) {
                if (seen[i] == term) {
                    return seen[i + 1];
                }
            }
        }
        throw new InvariantViolation(Property.LOG_MATCHING, "node " + nodeId + " received a snapshot ending at "
                + index + "@" + term + ", an entry no log ever held");
    }
}
