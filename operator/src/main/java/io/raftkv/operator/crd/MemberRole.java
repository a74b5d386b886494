package io.raftkv.operator.crd;

public enum MemberRole {
    Leader,
    Follower,
    /** Replicates but does not vote; promoted once caught up. */
    Learner,
    /** A pod whose node is not (yet) a member: it waits to be added as a learner. */
    Joining,
    /** A pod whose node ID was removed from the cluster: it leaves, or restarts empty under a new ID. */
    Removed,
    /** A member whose pod cannot be reached. */
    Unknown
}
