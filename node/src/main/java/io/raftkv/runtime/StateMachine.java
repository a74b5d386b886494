package io.raftkv.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The replicated application that {@link RaftRuntime} drives. Every method is called from the runtime's single
 * apply thread, in log order, so implementations need no locking for the runtime's sake.
 */
public interface StateMachine {

    /**
     * Applies one committed command (a NORMAL entry at {@code index}). Must be deterministic: every replica
     * computes the same result and state from the same commands. Returns what the proposer is answered with.
     */
    Object apply(long index, byte[] command);

    /** Writes the whole state, as of the last applied command, for a snapshot. */
    void writeSnapshot(OutputStream out) throws IOException;

    /** Replaces the whole state by the one a snapshot holds. */
    void restore(InputStream in) throws IOException;
}
