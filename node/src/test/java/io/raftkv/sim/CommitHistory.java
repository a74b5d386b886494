package io.raftkv.sim;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the run has learnt about committed entries: at every commit index any node reported, the chain value of
 * the committed prefix, and for each term the highest index some node knew to be committed while in that term.
 *
 * <p>Checks: two nodes never commit different prefixes; and Leader Completeness (§5.4): a node that becomes
 * leader in term T holds every entry that some node knew to be committed in a term below T (an entry known
 * committed by a node in term t was committed by a leader of a term &lt;= t, so leaders of later terms must have
 * it).
 */
final class CommitHistory {

    private final Map<Long, Long> chainAtCommit = new HashMap<>();
    private final TreeMap<Long, Long> maxCommitInTerm = new TreeMap<>();
    private long maxCommit;

    void commitAdvanced(long nodeId, long index, long chain, long term) {
        Long known = chainAtCommit.putIfAbsent(index, chain);
        if (known != null && known != chain) {
            throw new InvariantViolation(Property.STATE_MACHINE_SAFETY, "node " + nodeId + " committed through index "
                    + index + " a prefix that differs from the one another node committed there");
        }
        maxCommitInTerm.merge(term, index, Math::max);
        maxCommit = Math.max(maxCommit, index);
    }

    void checkNewLeader(long nodeId, long term, LogMirror log) {
        long required = 0;
        for (long index : maxCommitInTerm.headMap(term, false).values()) {
            required = Math.max(required, index);
        }
        if (required == 0) {
            return;
        }
        if (required > log.lastIndex()) {
            throw new InvariantViolation(Property.LEADER_COMPLETENESS, "node " + nodeId + " became leader of term "
                    + term + " with last index " + log.lastIndex() + ", but index " + required
                    + " was committed in an earlier term");
        }
        if (required < log.base()) {
            return; // covered by the node's snapshot, which only ever holds committed entries (checked on install)
        }
        long chain = log.chainAt(required);
        if (chain != chainAtCommit.get(required)) {
            throw new InvariantViolation(Property.LEADER_COMPLETENESS, "node " + nodeId + " became leader of term "
                    + term + " but its log up to index " + required + " (term " + log.termAt(required)
                    + ") differs from the entries committed there in an earlier term");
        }
    }

    /** The chain value committed at exactly {@code index}, or null if no node reported that commit index. */
    Long chainAt(long index) {
        return chainAtCommit.get(index);
    }

    /** The highest commit index any node has reported so far ("global truth" for read linearizability). */
    long maxCommit() {
        return maxCommit;
    }
}
