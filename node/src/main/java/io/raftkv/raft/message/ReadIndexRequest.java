package io.raftkv.raft.message;

/** A follower asks the leader for a read index on behalf of a local read (thesis §6.4, "followers"). */
public record ReadIndexRequest(long from, long to, long term, long requestId) implements Message {
    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.onReadIndexRequest(this);
    }
}
