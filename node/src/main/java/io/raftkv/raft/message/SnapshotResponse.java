package io.raftkv.raft.message;

/**
 * The answer to an {@link InstallSnapshot} chunk: the follower expects {@code nextOffset} next of the
 * snapshot at {@code snapshotIndex} ({@code 0} to restart). {@code done} reports that the whole snapshot was
 * received and installed durably.
 */
public record SnapshotResponse(long from, long to, long term, long snapshotIndex, long nextOffset, boolean done)
        implements Message {
    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.onSnapshotResponse(this);
    }
}
