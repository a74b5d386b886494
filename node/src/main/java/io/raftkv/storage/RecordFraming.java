package io.raftkv.storage;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * How one record is framed in a log segment:
 * <pre>
 *   int32  payload length n (big-endian)
 *   byte   record type ({@link RecordType#code})
 *   int32  CRC32C of the length, type and payload bytes
 *   n      payload
 * </pre>
 * The checksum covers the length so that a damaged length is caught instead of sending the reader off to a
 * wrong offset. Nine zero bytes never form a valid frame (type 0 does not exist), which is how a reader tells
 * preallocated, never-written space from data.
 */
final class RecordFraming {

    static final int HEADER_BYTES = 9;
    /** Largest payload accepted; anything longer is treated as damage, not as a record. */
    static final int MAX_PAYLOAD_BYTES = 256 << 20;

    private RecordFraming() {
    }

    /** Reserves room for a frame header at the buffer's position and returns the frame's start. */
    static int begin(ByteBuffer out) {
        int start = out.position();
        out.position(start + HEADER_BYTES);
        return start;
    }

    /** Completes the frame started at {@code start}: the payload is everything written since {@link #begin}. */
    static void end(ByteBuffer out, int start, RecordType type, CRC32C crc) {
        int end = out.position();
        int length = end - start - HEADER_BYTES;
        out.putInt(start, length);
        out.put(start + 4, type.code);
        crc.reset();
        ByteBuffer view = out.duplicate();
        view.limit(start + 5).position(start);
        crc.update(view);
        view.limit(end).position(start + HEADER_BYTES);
        crc.update(view);
        out.putInt(start + 5, (int) crc.getValue());
    }

    static int payloadLength(byte[] buf, int frameStart) {
        return getInt(buf, frameStart);
    }

    static RecordType type(byte[] buf, int frameStart) {
        return RecordType.fromCode(buf[frameStart + 4]);
    }

    /**
     * Checks the frame starting at {@code off} against the bytes up to {@code limit}.
     *
     * @return null if it is a complete, intact record; otherwise what is wrong with it
     */
    static String problem(byte[] buf, int off, int limit, CRC32C crc) {
        if (limit - off < HEADER_BYTES) {
            return "incomplete record header (" + (limit - off) + " bytes before end of file)";
        }
        int length = getInt(buf, off);
        if (RecordType.fromCode(buf[off + 4]) == null) {
            return "unknown record type " + buf[off + 4];
        }
        if (length < 0 || length > MAX_PAYLOAD_BYTES) {
            return "implausible record length " + length;
        }
        if ((long) off + HEADER_BYTES + length > limit) {
            return "record of " + length + " bytes runs past end of file (" + (limit - off - HEADER_BYTES)
                    + " bytes left)";
        }
        crc.reset();
        crc.update(buf, off, 5);
        crc.update(buf, off + HEADER_BYTES, length);
        if ((int) crc.getValue() != getInt(buf, off + 5)) {
            return "checksum mismatch";
        }
        return null;
    }

    /** Offset of the first intact record starting after {@code from} and before {@code limit}, or -1. */
    static int findIntactRecord(byte[] buf, int from, int limit, CRC32C crc) {
        for (int off = from; off <= limit - HEADER_BYTES; off++) {
            if (buf[off + 4] == 0 || RecordType.fromCode(buf[off + 4]) == null) {
                continue; // cheap rejection: the type byte is not a record type
            }
            if (problem(buf, off, limit, crc) == null) {
                return off;
            }
        }
        return -1;
    }

    static boolean allZero(byte[] buf, int from, int limit) {
        for (int i = from; i < limit; i++) {
            if (buf[i] != 0) {
                return false;
            }
        }
        return true;
    }

    static int getInt(byte[] buf, int off) {
        return ((buf[off] & 0xff) << 24) | ((buf[off + 1] & 0xff) << 16) | ((buf[off + 2] & 0xff) << 8)
                | (buf[off + 3] & 0xff);
    }

    static long getLong(byte[] buf, int off) {
        return ((long) getInt(buf, off) << 32) | (getInt(buf, off + 4) & 0xffffffffL);
    }
}
