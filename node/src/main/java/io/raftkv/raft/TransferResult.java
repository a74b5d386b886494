package io.raftkv.raft;

/** The answer to a leadership-transfer request (thesis §3.10). */
public enum TransferResult {
    /** The target is caught up or catching up; TimeoutNow is sent once it is. Proposals pause meanwhile. */
    STARTED,
    /** The target already leads. */
    ALREADY_LEADER,
    NOT_LEADER,
    /** The target is not a voting member. */
    NOT_A_VOTER,
    /** The target is not replicating steadily (it needs a snapshot or does not answer), so it could not win soon. */
    TARGET_NOT_CAUGHT_UP
}
