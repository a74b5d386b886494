package io.raftkv.raft.message;

/** The answer to a {@link VoteRequest}; {@code preVote} echoes the request's kind. */
public record VoteResponse(long from, long to, long term, boolean preVote, boolean granted) implements Message {
    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.onVoteResponse(this);
    }
}
