package io.raftkv.raft;

/** One single-server membership change (thesis §4.1): add a learner, promote it to voter, or remove a member. */
public record MembershipChange(Kind kind, long nodeId) {
    public enum Kind { ADD_LEARNER, PROMOTE, REMOVE }

    public static MembershipChange addLearner(long id) {
        return new MembershipChange(Kind.ADD_LEARNER, id);
    }

    public static MembershipChange promote(long id) {
        return new MembershipChange(Kind.PROMOTE, id);
    }

    public static MembershipChange remove(long id) {
        return new MembershipChange(Kind.REMOVE, id);
    }
}
