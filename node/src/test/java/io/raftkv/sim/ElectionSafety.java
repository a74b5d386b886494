package io.raftkv.sim;

import java.util.HashMap;
import java.util.Map;

/** Election Safety (§5.2): every (term, leader) pair ever observed; a second leader in one term is a violation. */
final class ElectionSafety {

    private final Map<Long, Long> leaderOfTerm = new HashMap<>();

    void leaderSeen(long term, long nodeId) {
        Long previous = leaderOfTerm.putIfAbsent(term, nodeId);
        if (previous != null && previous != nodeId) {
            throw new InvariantViolation(Property.ELECTION_SAFETY, "nodes " + previous + " and " + nodeId
                    + " were both leader in term " + term);
        }
    }

    int termsWithLeader() {
        return leaderOfTerm.size();
    }
}
