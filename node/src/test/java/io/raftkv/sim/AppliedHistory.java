package io.raftkv.sim;

import java.util.Arrays;

/**
 * State Machine Safety (§5.4.3): the chain value of the state machine after applying index i, as the first node
 * to apply i computed it. Every other node must reach the same value at i.
 */
final class AppliedHistory {

    private long[] chains = new long[1024];
    private boolean[] known = new boolean[1024];

    void applied(long nodeId, long index, long chain) {
        if (index >= chains.length) {
            int n = (int) Math.max(index + 1, chains.length * 2L);
            chains = Arrays.copyOf(chains, n);
            known = Arrays.copyOf(known, n);
        }
        int i = (int) index;
        if (!known[i]) {
            known[i] = true;
            chains[i] = chain;
        } else if (chains[i] != chain) {
            throw new InvariantViolation(Property.STATE_MACHINE_SAFETY, "node " + nodeId + " applied a different"
                    + " history through index " + index + " than another node did");
        }
    }

}
