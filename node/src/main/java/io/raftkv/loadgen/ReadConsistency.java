package io.raftkv.loadgen;

/** How fresh a read must be; both systems offer the same two levels. */
public enum ReadConsistency {
    /** The read reflects every write acknowledged before it started (a quorum round trip: ReadIndex). */
    LINEARIZABLE,
    /** The read is served from the answering member's local state, which may be stale. */
    SERIALIZABLE
}
