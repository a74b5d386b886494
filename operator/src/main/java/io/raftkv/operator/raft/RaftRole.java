package io.raftkv.operator.raft;

public enum RaftRole {
    LEADER,
    FOLLOWER,
    /** Campaigning (pre-candidate or candidate): it knows no leader right now. */
    CANDIDATE,
    /** Not part of any cluster yet: an empty node waiting to be added as a learner. */
    NONE
}
