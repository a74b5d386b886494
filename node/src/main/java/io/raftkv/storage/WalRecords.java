package io.raftkv.storage;

import io.raftkv.raft.Entry;
import io.raftkv.raft.EntryType;
import io.raftkv.raft.HardState;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Payload layouts of the log's records (all big-endian), each written as one frame (see {@link RecordFraming}):
 * <pre>
 *   ENTRY       index:int64 term:int64 entryType:int8 data:rest
 *   HARD_STATE  term:int64 vote:int64 commit:int64
 *   SNAPSHOT    index:int64 term:int64
 * </pre>
 * Decoders throw {@link IllegalArgumentException} for a payload whose checksum passed but whose content is
 * impossible; callers report it as corruption with the file and offset.
 */
final class WalRecords {

    private static final int ENTRY_FIXED_BYTES = 17;
    private static final int HARD_STATE_BYTES = 24;
    private static final int SNAPSHOT_BYTES = 16;
    private static final EntryType[] ENTRY_TYPES = EntryType.values();

    private WalRecords() {
    }

    static int entryFrameBytes(Entry entry) {
        return RecordFraming.HEADER_BYTES + ENTRY_FIXED_BYTES + entry.data().length;
    }

    static int hardStateFrameBytes() {
        return RecordFraming.HEADER_BYTES + HARD_STATE_BYTES;
    }

    static int snapshotFrameBytes() {
        return RecordFraming.HEADER_BYTES + SNAPSHOT_BYTES;
    }

    static void putEntry(ByteBuffer out, Entry entry, CRC32C crc) {
        int start = RecordFraming.begin(out);
        out.putLong(entry.index()).putLong(entry.term()).put((byte) entry.type().ordinal()).put(entry.data());
        RecordFraming.end(out, start, RecordType.ENTRY, crc);
    }

    static void putHardState(ByteBuffer out, HardState state, CRC32C crc) {
        int start = RecordFraming.begin(out);
        out.putLong(state.term()).putLong(state.vote()).putLong(state.commit());
        RecordFraming.end(out, start, RecordType.HARD_STATE, crc);
    }

    static void putSnapshot(ByteBuffer out, long index, long term, CRC32C crc) {
        int start = RecordFraming.begin(out);
        out.putLong(index).putLong(term);
        RecordFraming.end(out, start, RecordType.SNAPSHOT, crc);
    }

    static Entry entry(byte[] buf, int off, int length) {
        if (length < ENTRY_FIXED_BYTES) {
            throw new IllegalArgumentException("entry record of " + length + " bytes is too short");
        }
        int typeOrdinal = buf[off + 16];
        if (typeOrdinal < 0 || typeOrdinal >= ENTRY_TYPES.length) {
            throw new IllegalArgumentException("unknown entry type " + typeOrdinal);
        }
        long index = RecordFraming.getLong(buf, off);
        long term = RecordFraming.getLong(buf, off + 8);
        if (index < 1 || term < 0) {
            throw new IllegalArgumentException("impossible entry index " + index + " term " + term);
        }
        byte[] data = Arrays.copyOfRange(buf, off + ENTRY_FIXED_BYTES, off + length);
        return new Entry(index, term, ENTRY_TYPES[typeOrdinal], data);
    }

    static HardState hardState(byte[] buf, int off, int length) {
        requireLength("hard state", length, HARD_STATE_BYTES);
        return new HardState(RecordFraming.getLong(buf, off), RecordFraming.getLong(buf, off + 8),
                RecordFraming.getLong(buf, off + 16));
    }

    /** @return {index, term} */
    static long[] snapshot(byte[] buf, int off, int length) {
        requireLength("snapshot", length, SNAPSHOT_BYTES);
        return new long[] {RecordFraming.getLong(buf, off), RecordFraming.getLong(buf, off + 8)};
    }

    private static void requireLength(String what, int length, int expected) {
        if (length != expected) {
            throw new IllegalArgumentException(what + " record of " + length + " bytes, expected " + expected);
        }
    }
}
