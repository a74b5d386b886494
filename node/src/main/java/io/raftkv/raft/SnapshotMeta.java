package io.raftkv.raft;

/**
 * Describes a snapshot: the state machine as of {@code index} (whose entry had {@code term}), the
 * membership in force at that index, and the size of the serialized state in bytes. The bytes themselves
 * live outside the core (see {@link SnapshotReader}). {@code sizeBytes} must be exact: the leader streams
 * chunks until it has sent that many bytes, and a follower accepts the snapshot only if it received exactly
 * that many.
 */
public record SnapshotMeta(long index, long term, Membership membership, long sizeBytes) {
    /** The state of a brand-new cluster: nothing applied yet, the given bootstrap membership. */
    public static SnapshotMeta bootstrap(Membership membership) {
        return new SnapshotMeta(0, 0, membership, 0);
    }
}
