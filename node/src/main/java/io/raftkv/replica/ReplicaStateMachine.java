package io.raftkv.replica;

/**
 * The key-value state machine as replica mode sees it: puts become log commands, committed commands are
 * applied in log order, gets read the applied state. Keeps replica mode independent of how the store encodes
 * its commands.
 */
public interface ReplicaStateMachine {

    /** The log command for {@code put(key, value)}. */
    byte[] putCommand(String key, String value);

    /**
     * Applies the committed command at {@code index}.
     *
     * @throws IllegalArgumentException if the command cannot be decoded (the log is corrupt: stop)
     */
    void apply(long index, byte[] command);

    /** The applied value of {@code key}; the empty string for a key never written (as the protocol wants). */
    String get(String key);
}
