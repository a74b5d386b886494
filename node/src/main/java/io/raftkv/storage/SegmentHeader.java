package io.raftkv.storage;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * The fixed 64-byte header at the start of every log segment file, written and synced before the file gets its
 * final name (so a segment under a valid name always has a valid header):
 * <pre>
 *   0  int32  magic "RKWL"
 *   4  int32  format version
 *   8  int64  segment sequence number (consecutive; a gap means a missing file)
 *  16  int64  anchor index: the last log index before this segment's first entry
 *  24  int64  anchor term: the term of that entry
 *  32  zeros  reserved
 *  60  int32  CRC32C of bytes 0..59
 * </pre>
 * The anchor lets recovery start from any segment once earlier ones were deleted by compaction. The file name
 * repeats sequence number and anchor index ({@code <seq>-<anchor>.wal}, 16 hex digits each) so the directory
 * listing alone orders the segments.
 */
record SegmentHeader(long seq, long anchorIndex, long anchorTerm) {

    static final int BYTES = 64;
    static final int FORMAT_VERSION = 1;
    private static final int MAGIC = 0x524B574C;
    private static final Pattern NAME = Pattern.compile("([0-9a-f]{16})-([0-9a-f]{16})\\.wal");

    String fileName() {
        return String.format("%016x-%016x.wal", seq, anchorIndex);
    }

    ByteBuffer encode() {
        ByteBuffer buf = ByteBuffer.allocate(BYTES);
        buf.putInt(MAGIC).putInt(FORMAT_VERSION).putLong(seq).putLong(anchorIndex).putLong(anchorTerm);
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 0, BYTES - 4);
        buf.putInt(BYTES - 4, (int) crc.getValue());
        return buf.clear();
    }

    /** Reads and checks the header of {@code file}, whose name must agree with it. */
    static SegmentHeader decode(byte[] buf, int length, Path file) throws CorruptStorageException {
        if (length < BYTES) {
            throw new CorruptStorageException(file, 0, "segment header truncated to " + length + " bytes");
        }
        CRC32C crc = new CRC32C();
        crc.update(buf, 0, BYTES - 4);
        if ((int) crc.getValue() != RecordFraming.getInt(buf, BYTES - 4)) {
            throw new CorruptStorageException(file, 0, "segment header checksum mismatch");
        }
        if (RecordFraming.getInt(buf, 0) != MAGIC) {
            throw new CorruptStorageException(file, 0, "not a log segment (bad magic number)");
        }
        int version = RecordFraming.getInt(buf, 4);
        if (version != FORMAT_VERSION) {
            throw new CorruptStorageException(file, 4, "unsupported segment format version " + version
                    + " (this build reads version " + FORMAT_VERSION + ")");
        }
        SegmentHeader header = new SegmentHeader(RecordFraming.getLong(buf, 8), RecordFraming.getLong(buf, 16),
                RecordFraming.getLong(buf, 24));
        if (!header.fileName().equals(file.getFileName().toString())) {
            throw new CorruptStorageException(file, 0, "header says segment " + header.fileName()
                    + " but the file is named " + file.getFileName());
        }
        return header;
    }

    /** The sequence number encoded in a segment file name, or -1 if the name is not a segment's. */
    static long seqOf(String fileName) {
        Matcher m = NAME.matcher(fileName);
        return m.matches() ? Long.parseUnsignedLong(m.group(1), 16) : -1;
    }
}
