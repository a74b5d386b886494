package io.raftkv.loadgen;

/**
 * One connection to the system under test. Calls block until the answer arrives; several clients may call one
 * connection at once (as etcd's benchmark multiplexes its clients over its connections), so implementations
 * are thread-safe.
 */
public interface TargetConnection {
    /** Sets {@code key} to {@code value}. */
    void put(byte[] key, byte[] value) throws TargetException;

    /** Reads {@code key}; returns whether it exists. */
    boolean get(byte[] key, ReadConsistency consistency) throws TargetException;

    /**
     * Sets {@code key} to {@code newValue} only if its version is {@code expectedVersion} (0: only if absent).
     * A version is the number of writes to the key since it was created, as in etcd.
     */
    CasResult compareAndSwap(byte[] key, long expectedVersion, byte[] newValue) throws TargetException;
}
