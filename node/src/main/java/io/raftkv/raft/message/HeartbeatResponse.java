package io.raftkv.raft.message;

/** The answer to a {@link Heartbeat}; echoes the read round and tells the follower's last log index. */
public record HeartbeatResponse(long from, long to, long term, long readRound, long lastIndex) implements Message {
    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.onHeartbeatResponse(this);
    }
}
