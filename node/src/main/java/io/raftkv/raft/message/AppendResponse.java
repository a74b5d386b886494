package io.raftkv.raft.message;

/**
 * The answer to {@link AppendEntries}. On success {@code index} is the follower's last index known to
 * match the leader (after the append is durable). On rejection {@code index} is the rejected
 * {@code prevIndex}, and ({@code hintIndex}, {@code hintTerm}) let the leader skip a whole term of
 * conflicting entries at once instead of one entry per round trip (§5.3, "the leader can decrement
 * nextIndex to bypass all of the conflicting entries in that term").
 */
public record AppendResponse(long from, long to, long term, boolean success, long index, long hintIndex,
                             long hintTerm, long readRound) implements Message {
    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.onAppendResponse(this);
    }
}
