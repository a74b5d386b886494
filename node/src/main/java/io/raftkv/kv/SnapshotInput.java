package io.raftkv.kv;

import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32C;

/**
 * Buffered reader of snapshot fields that keeps a CRC32C of everything consumed and the offset, so that
 * every failure names where it happened. Lengths are checked against a bound before allocating.
 */
final class SnapshotInput {

    private static final int BUFFER_BYTES = 64 * 1024;

    private final InputStream in;
    private final CRC32C crc = new CRC32C();
    private final byte[] buffer = new byte[BUFFER_BYTES];
    private int position;
    private int limit;
    /** Stream offset of {@code buffer[0]}. */
    private long bufferStart;

    SnapshotInput(InputStream in) {
        this.in = in;
    }

    long offset() {
        return bufferStart + position;
    }

    SnapshotFormatException corrupt(String message, long offset) {
        return new SnapshotFormatException(message, offset);
    }

    int u8(String field) throws IOException {
        if (position == limit && !fill()) {
            throw corrupt("truncated: end of stream in " + field, offset());
        }
        return buffer[position++] & 0xFF;
    }

    int u32(String field) throws IOException {
        int value = 0;
        for (int i = 0; i < Integer.BYTES; i++) {
            value = (value << 8) | u8(field);
        }
        return value;
    }

    long u64(String field) throws IOException {
        long value = 0;
        for (int i = 0; i < Long.BYTES; i++) {
            value = (value << 8) | u8(field);
        }
        return value;
    }

    /** A varint that must fit in a non-negative long. */
    long varint(String field) throws IOException {
        long start = offset();
        long value = 0;
        for (int i = 0; i < Varint.MAX_BYTES; i++) {
            int b = u8(field);
            if (i == Varint.MAX_BYTES - 1 && b > 1) {
                break;
            }
            value |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                if (value < 0) {
                    break;
                }
                return value;
            }
        }
        throw corrupt(field + " is out of range", start);
    }

    /** A varint in {@code [min, max]}. */
    long varint(String field, long min, long max) throws IOException {
        long start = offset();
        long value = varint(field);
        if (value < min || value > max) {
            throw corrupt(field + " " + value + " is outside [" + min + ", " + max + "]", start);
        }
        return value;
    }

    /** A length-prefixed byte string of at most {@code maxLength} bytes. */
    byte[] bytes(String field, int maxLength) throws IOException {
        int length = (int) varint(field + " length", 0, maxLength);
        byte[] bytes = new byte[length];
        int filled = 0;
        while (filled < length) {
            if (position == limit && !fill()) {
                throw corrupt("truncated: end of stream in " + field, offset());
            }
            int chunk = Math.min(length - filled, limit - position);
            System.arraycopy(buffer, position, bytes, filled, chunk);
            position += chunk;
            filled += chunk;
        }
        return bytes;
    }

    /** The CRC32C of everything consumed so far. */
    int checksum() {
        crc.update(buffer, 0, position);
        bufferStart += position;
        System.arraycopy(buffer, position, buffer, 0, limit - position);
        limit -= position;
        position = 0;
        return (int) crc.getValue();
    }

    boolean atEnd() throws IOException {
        return position == limit && !fill();
    }

    private boolean fill() throws IOException {
        crc.update(buffer, 0, limit);
        bufferStart += limit;
        position = 0;
        limit = 0;
        int read = in.read(buffer, 0, buffer.length);
        if (read <= 0) {
            return false;
        }
        limit = read;
        return true;
    }
}
