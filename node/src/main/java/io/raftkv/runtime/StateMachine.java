package io.raftkv.runtime;

import io.raftkv.raft.Entry;
import io.raftkv.storage.RaftStorage;

import java.io.IOException;
import java.io.InputStream;

/**
 * The replicated application that {@link RaftRuntime} drives. {@link #apply}, {@link #capture} and
 * {@link #restore} are called from the runtime's single apply thread, in log order.
 */
public interface StateMachine {

    /**
     * Applies the next committed entry (every entry, NOOP and MEMBERSHIP included, so the state machine can
     * track the applied index). Must be deterministic: every replica computes the same result and state from
     * the same entries. Returns what the proposer is answered with.
     */
    Object apply(Entry entry);

    /**
     * Captures the state as of the last applied entry, cheaply (on the apply thread); the returned writer
     * serializes it later on another thread while applying goes on.
     */
    RaftStorage.SnapshotWriter capture();

    /** Replaces the whole state by the one a snapshot holds. */
    void restore(InputStream in) throws IOException;
}
