package io.raftkv.raft;

import java.util.Map;

/**
 * A snapshot of a node's Raft state for status pages and tests.
 *
 * @param membership          the latest membership in the log (its {@code retired()} are IDs never to reuse)
 * @param membershipCommitted whether that membership is committed (no change is in flight)
 * @param progress            for a leader, each member's replication progress; empty otherwise
 */
public record NodeStatus(long id, Role role, long term, long leader, long commitIndex, long appliedIndex,
                         long lastIndex, long persistedIndex, Membership membership, boolean membershipCommitted,
                         Map<Long, PeerProgress> progress) {

    public record PeerProgress(long matchIndex, long nextIndex, String state, boolean recentlyActive) {
    }
}
