package io.raftkv.kv;

/**
 * Bytes that are not a valid encoded {@link KvCommand}. Checked on purpose: the apply loop must turn it into a
 * {@link KvResult.Code#MALFORMED} result, never let it escape.
 */
public final class MalformedCommandException extends Exception {

    private final int offset;

    public MalformedCommandException(String message, int offset) {
        super(message + " (at byte offset " + offset + ")");
        this.offset = offset;
    }

    /** Where in the encoded bytes the problem was found. */
    public int offset() {
        return offset;
    }
}
