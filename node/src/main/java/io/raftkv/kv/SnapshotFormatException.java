package io.raftkv.kv;

import java.io.IOException;

/** A snapshot stream that is truncated, corrupt or of an unknown format; names the byte offset. */
public final class SnapshotFormatException extends IOException {

    private final long offset;

    public SnapshotFormatException(String message, long offset) {
        super(message + " (at snapshot byte offset " + offset + ")");
        this.offset = offset;
    }

    public long offset() {
        return offset;
    }
}
