package io.raftkv.sim;

import io.raftkv.raft.Entry;

import java.util.Arrays;
import java.util.List;

/**
 * What one node's log holds, as the simulator learns it from the Readys the node hands out: for every index
 * after the base (the node's snapshot), the entry's term and the chain value of the prefix ending there.
 * Appends cost O(entries); lookups O(1). The core itself exposes no log accessor, so this is how the checks see
 * the logs.
 */
final class LogMirror {

    private long base;
    private long baseTerm;
    private long baseChain;
    private long[] terms = new long[64];
    private long[] chains = new long[64];
    private int size;

    LogMirror(long base, long baseTerm, long baseChain) {
        reset(base, baseTerm, baseChain);
    }

    void reset(long newBase, long newBaseTerm, long newBaseChain) {
        base = newBase;
        baseTerm = newBaseTerm;
        baseChain = newBaseChain;
        size = 0;
    }

    /**
     * Appends entries, replacing any suffix from the first entry's index on; {@code onEntry} is told each new
     * entry with its chain value. Throws {@link InvariantViolation} on a gap.
     */
    void append(List<Entry> entries, long nodeId, EntrySink onEntry) {
        if (entries.isEmpty()) {
            return;
        }
        long first = entries.get(0).index();
        if (first <= base) {
            throw new InvariantViolation(Property.CORE_CONTRACT, "node " + nodeId + " appends entry " + first
                    + " at or below its snapshot index " + base);
        }
        if (first > lastIndex() + 1) {
            throw new InvariantViolation(Property.CORE_CONTRACT, "node " + nodeId + " appends entry " + first
                    + " after last index " + lastIndex() + ", leaving a gap");
        }
        size = (int) (first - base - 1);
        long chain = chainAt(first - 1);
        for (Entry e : entries) {
            if (e.index() != base + size + 1) {
                throw new InvariantViolation(Property.CORE_CONTRACT, "node " + nodeId + " hands out entries that"
                        + " are not contiguous: " + e.index() + " after " + (base + size));
            }
            chain = HashChain.extend(chain, HashChain.entryHash(e));
            if (size == terms.length) {
                terms = Arrays.copyOf(terms, size * 2);
                chains = Arrays.copyOf(chains, size * 2);
            }
            terms[size] = e.term();
            chains[size] = chain;
            size++;
            onEntry.accept(e, chain);
        }
    }

    /** Receives each appended entry and the chain value of the log prefix that ends with it. */
    interface EntrySink {
        void accept(Entry e, long chain);
    }

    long base() {
        return base;
    }

    long lastIndex() {
        return base + size;
    }

    /** True if the mirror knows the entry at {@code index} (the base counts). */
    boolean covers(long index) {
        return index >= base && index <= base + size;
    }

    long termAt(long index) {
        return index == base ? baseTerm : terms[(int) (index - base - 1)];
    }

    long chainAt(long index) {
        return index == base ? baseChain : chains[(int) (index - base - 1)];
    }
}
