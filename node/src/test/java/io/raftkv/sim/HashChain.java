package io.raftkv.sim;

import io.raftkv.raft.Entry;

/**
 * 64-bit fingerprints of log entries and of log prefixes. The chain value at index i covers every entry from 1
 * to i, so two logs (or two state machines) that agree on the chain value at i agree on the whole prefix up to i.
 * This is what lets the invariant checks compare whole logs in O(1) per entry (Log Matching, §5.3) instead of
 * scanning them.
 */
final class HashChain {

    /** The chain value of the empty prefix (index 0). */
    static final long EMPTY = 0x5EED_C0DE_0000_0001L;

    private HashChain() {
    }

    /** Fingerprint of one entry's identity: its term, type and payload (the index is the chain position). */
    static long entryHash(Entry e) {
        long h = mix(e.term() * 0x9E3779B97F4A7C15L + e.type().ordinal());
        byte[] data = e.data();
        long word = 0;
        for (int i = 0; i < data.length; i++) {
            word = (word << 8) | (data[i] & 0xFF);
            if ((i & 7) == 7) {
                h = mix(h ^ word);
                word = 0;
            }
        }
        return mix(h ^ word ^ ((long) data.length << 48));
    }

    /** Fingerprint of arbitrary bytes (client commands). */
    static long bytesHash(byte[] data) {
        return entryHash(Entry.normal(0, 0, data));
    }

    /** The chain value after appending an entry with fingerprint {@code entryHash} to a prefix with value {@code chain}. */
    static long extend(long chain, long entryHash) {
        return mix(chain * 31 + entryHash);
    }

    /** SplitMix64 finalizer: a cheap, well-distributed 64-bit mix. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
