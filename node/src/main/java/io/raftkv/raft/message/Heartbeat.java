package io.raftkv.raft.message;

/**
 * The leader's empty heartbeat (§5.2). {@code commit} is at most what the follower is known to hold, so a
 * follower never commits an index it does not have.
 */
public record Heartbeat(long from, long to, long term, long commit, long readRound) implements Message {
    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.onHeartbeat(this);
    }
}
