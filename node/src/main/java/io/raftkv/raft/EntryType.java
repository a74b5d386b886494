package io.raftkv.raft;

/** What a log entry carries. */
public enum EntryType {
    /** An application command, opaque to Raft. */
    NORMAL,
    /** The empty entry a new leader appends to commit entries of earlier terms (§5.4.2, §8). */
    NOOP,
    /** A full {@link Membership}, encoded with {@link Membership#encode()}; takes effect when appended (thesis §4.1). */
    MEMBERSHIP
}
