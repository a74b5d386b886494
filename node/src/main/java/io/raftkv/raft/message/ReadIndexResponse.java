package io.raftkv.raft.message;

/**
 * The leader's answer to a {@link ReadIndexRequest}: once the follower has applied through {@code index},
 * it may serve the read. {@code ok} is false when the leader could not serve it (it lost leadership).
 */
public record ReadIndexResponse(long from, long to, long term, long requestId, long index, boolean ok)
        implements Message {
    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.onReadIndexResponse(this);
    }
}
