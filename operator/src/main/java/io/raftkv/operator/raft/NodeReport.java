package io.raftkv.operator.raft;

import java.util.Set;
import java.util.TreeSet;

/**
 * What one node says about itself through the admin API.
 *
 * @param nodeId          the node's ID (unique forever; an emptied disk means a new ID)
 * @param role            its role; {@link RaftRole#NONE} for an empty node waiting to join
 * @param term            its current term
 * @param leaderId        the leader it follows, 0 when it knows none
 * @param commitIndex     its commit index
 * @param appliedIndex    the last index applied to its state machine
 * @param voters          voters of the latest configuration it knows
 * @param learners        learners of that configuration
 * @param retired         IDs removed from the cluster, which may never join again
 * @param configCommitted whether that configuration is committed (no membership change in flight)
 */
public record NodeReport(long nodeId, RaftRole role, long term, long leaderId, long commitIndex, long appliedIndex,
                         Set<Long> voters, Set<Long> learners, Set<Long> retired, boolean configCommitted) {

    public NodeReport {
        voters = Set.copyOf(voters);
        learners = Set.copyOf(learners);
        retired = Set.copyOf(retired);
    }

    public boolean joined() {
        return role != RaftRole.NONE;
    }

    public boolean isMember(long id) {
        return voters.contains(id) || learners.contains(id);
    }

    /** Voters and learners in ascending ID order. */
    public Set<Long> members() {
        TreeSet<Long> all = new TreeSet<>(voters);
        all.addAll(learners);
        return all;
    }

    public static int quorum(int voters) {
        return voters / 2 + 1;
    }
}
