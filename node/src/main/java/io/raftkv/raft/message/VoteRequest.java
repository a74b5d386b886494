package io.raftkv.raft.message;

/**
 * RequestVote (§5.2), or a PreVote (thesis §9.6) when {@code preVote} is set: a pre-vote asks "would you vote
 * for me in {@code term}?" without anyone changing term. {@code transfer} marks an election started by
 * TimeoutNow (thesis §3.10), which voters honour even while they still hear from the current leader.
 */
public record VoteRequest(long from, long to, long term, long lastLogIndex, long lastLogTerm, boolean preVote,
                          boolean transfer) implements Message {
    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.onVoteRequest(this);
    }
}
