package io.raftkv.storage;

/**
 * Storage stopped accepting writes after an I/O error (or was closed). The node must stop accepting client
 * writes and a leader must step down; restart (which re-reads what is really on disk) is the way back.
 */
public final class StorageFailedException extends IllegalStateException {
    public StorageFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
