package io.raftkv.kv;

/**
 * Unsigned LEB128 variable-length integers (protobuf's varint): 7 bits per byte, low bits first, high bit set
 * on every byte but the last. Small numbers (lengths, sequence numbers, revisions) take one to four bytes.
 */
final class Varint {

    static final int MAX_BYTES = 10;

    private Varint() {
    }

    static int size(long value) {
        int size = 1;
        while ((value & ~0x7FL) != 0) {
            value >>>= 7;
            size++;
        }
        return size;
    }

    /** Writes {@code value} into {@code buffer} at {@code position}; returns the position after it. */
    static int put(byte[] buffer, int position, long value) {
        while ((value & ~0x7FL) != 0) {
            buffer[position++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        buffer[position++] = (byte) value;
        return position;
    }
}
