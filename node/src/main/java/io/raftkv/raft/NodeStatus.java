package io.raftkv.raft;

import java.util.Map;

/**
 * A snapshot of a node's Raft state for status pages and tests.
 *
 * @param progress for a leader, each member's replication progress; empty otherwise
 */
public record NodeStatus(long id, Role role, long term, long leader, long commitIndex, long appliedIndex,
                         long lastIndex, long persistedIndex, Membership membership,
                         Map<Long, PeerProgress> progress) {

    public record PeerProgress(long matchIndex, long nextIndex, String state, boolean recentlyActive) {
    }
}
