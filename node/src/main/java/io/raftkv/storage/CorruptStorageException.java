package io.raftkv.storage;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Stored data is damaged in a way that is not a torn write at the tail: repairing it automatically could drop
 * committed entries, so the node refuses to start and names the file and byte offset for an operator.
 */
public final class CorruptStorageException extends IOException {

    private final transient Path file;
    private final long offset;

    /** @param offset byte offset in {@code file} where the damage starts, or -1 when it concerns the whole file */
    public CorruptStorageException(Path file, long offset, String problem) {
        super("corrupt storage: " + file + (offset >= 0 ? " at offset " + offset : "") + ": " + problem
                + ". Refusing to start; no log or snapshot data was modified. Restore this data directory from"
                + " a replica or replace the member under a new ID.");
        this.file = file;
        this.offset = offset;
    }

    public Path file() {
        return file;
    }

    public long offset() {
        return offset;
    }
}
