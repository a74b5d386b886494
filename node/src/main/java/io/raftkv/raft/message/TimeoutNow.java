package io.raftkv.raft.message;

/** Tells a caught-up follower to start an election at once (leadership transfer, thesis §3.10). */
public record TimeoutNow(long from, long to, long term) implements Message {
    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.onTimeoutNow(this);
    }
}
