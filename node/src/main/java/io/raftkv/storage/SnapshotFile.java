package io.raftkv.storage;

import io.raftkv.raft.Membership;
import io.raftkv.raft.SnapshotMeta;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * The on-disk format of one snapshot: a header describing it, then the state machine's bytes.
 * <pre>
 *   0  int32  magic "RKSN"
 *   4  int32  format version
 *   8  int32  header length h (where the data starts)
 *  12  int64  last included index
 *  20  int64  last included term
 *  28  int64  data length
 *  36  int32  CRC32C of the data
 *  40  int32  membership length m
 *  44  m      membership ({@link Membership#encode()})
 *  44+m int32 CRC32C of header bytes 0..43+m
 *   h  data
 * </pre>
 * Files are named {@code <index>-<term>.snap} (16 hex digits each).
 */
final class SnapshotFile {

    static final int FORMAT_VERSION = 1;
    private static final int MAGIC = 0x524B534E;
    private static final int FIXED_BYTES = 44;
    private static final int MAX_MEMBERSHIP_BYTES = 16 << 20;
    private static final Pattern NAME = Pattern.compile("([0-9a-f]{16})-([0-9a-f]{16})\\.snap");

    /** A snapshot's header as read from its file. */
    record Header(SnapshotMeta meta, int headerLength, int dataCrc) {
    }

    private SnapshotFile() {
    }

    static String fileName(long index, long term) {
        return String.format("%016x-%016x.snap", index, term);
    }

    static boolean isSnapshotName(String name) {
        return NAME.matcher(name).matches();
    }

    static int headerLength(Membership membership) {
        return FIXED_BYTES + membership.encode().length + 4;
    }

    /** The header for {@code meta}, whose {@code sizeBytes} is the data length. */
    static ByteBuffer encodeHeader(SnapshotMeta meta, int dataCrc) {
        byte[] membership = meta.membership().encode();
        ByteBuffer buf = ByteBuffer.allocate(FIXED_BYTES + membership.length + 4);
        buf.putInt(MAGIC).putInt(FORMAT_VERSION).putInt(buf.capacity()).putLong(meta.index()).putLong(meta.term())
                .putLong(meta.sizeBytes()).putInt(dataCrc).putInt(membership.length).put(membership);
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 0, buf.position());
        buf.putInt((int) crc.getValue());
        return buf.flip();
    }

    /** Reads and checks the header of {@code file}, whose name and length must agree with it. */
    static Header readHeader(FileChannel channel, Path file) throws IOException {
        long fileSize = channel.size();
        ByteBuffer fixed = ByteBuffer.allocate(FIXED_BYTES);
        readFully(channel, fixed, 0);
        if (fixed.hasRemaining()) {
            throw new CorruptStorageException(file, 0, "snapshot header truncated (file is " + fileSize + " bytes)");
        }
        if (fixed.getInt(0) != MAGIC) {
            throw new CorruptStorageException(file, 0, "not a snapshot file (bad magic number)");
        }
        if (fixed.getInt(4) != FORMAT_VERSION) {
            throw new CorruptStorageException(file, 4, "unsupported snapshot format version " + fixed.getInt(4));
        }
        int membershipLength = fixed.getInt(40);
        int headerLength = fixed.getInt(8);
        if (membershipLength < 0 || membershipLength > MAX_MEMBERSHIP_BYTES
                || headerLength != FIXED_BYTES + membershipLength + 4) {
            throw new CorruptStorageException(file, 8, "implausible snapshot header length " + headerLength);
        }
        ByteBuffer header = ByteBuffer.allocate(headerLength);
        readFully(channel, header, 0);
        if (header.hasRemaining()) {
            throw new CorruptStorageException(file, 0, "snapshot header truncated (file is " + fileSize + " bytes)");
        }
        CRC32C crc = new CRC32C();
        crc.update(header.array(), 0, headerLength - 4);
        if ((int) crc.getValue() != header.getInt(headerLength - 4)) {
            throw new CorruptStorageException(file, 0, "snapshot header checksum mismatch");
        }
        Membership membership;
        try {
            byte[] encoded = new byte[membershipLength];
            header.get(FIXED_BYTES, encoded);
            membership = Membership.decode(encoded);
        } catch (IllegalArgumentException e) {
            throw new CorruptStorageException(file, FIXED_BYTES, "bad membership in snapshot header: " + e.getMessage());
        }
        SnapshotMeta meta = new SnapshotMeta(header.getLong(12), header.getLong(20), membership, header.getLong(28));
        if (!fileName(meta.index(), meta.term()).equals(file.getFileName().toString())) {
            throw new CorruptStorageException(file, 0, "header describes snapshot " + fileName(meta.index(), meta.term())
                    + " but the file is named " + file.getFileName());
        }
        if (fileSize != headerLength + meta.sizeBytes()) {
            throw new CorruptStorageException(file, Math.min(fileSize, headerLength + meta.sizeBytes()),
                    "snapshot file is " + fileSize + " bytes but its header says " + (headerLength + meta.sizeBytes()));
        }
        return new Header(meta, headerLength, header.getInt(36));
    }

    /** Reads the whole data section and compares its checksum with the header's. */
    static void verifyData(FileChannel channel, Path file, Header header) throws IOException {
        if (dataCrc(channel, header.headerLength(), header.meta().sizeBytes()) != header.dataCrc()) {
            throw new CorruptStorageException(file, header.headerLength(), "snapshot data checksum mismatch over "
                    + header.meta().sizeBytes() + " bytes");
        }
    }

    static int dataCrc(FileChannel channel, long from, long length) throws IOException {
        CRC32C crc = new CRC32C();
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
        long position = from;
        long end = from + length;
        while (position < end) {
            buf.clear().limit((int) Math.min(buf.capacity(), end - position));
            int n = channel.read(buf, position);
            if (n < 0) {
                throw new IOException("unexpected end of snapshot data at offset " + position);
            }
            position += n;
            buf.flip();
            crc.update(buf);
        }
        return (int) crc.getValue();
    }

    static void readFully(FileChannel channel, ByteBuffer buf, long position) throws IOException {
        while (buf.hasRemaining()) {
            int n = channel.read(buf, position + buf.position());
            if (n < 0) {
                return;
            }
        }
    }

    static void writeFully(FileChannel channel, ByteBuffer buf, long position) throws IOException {
        long at = position;
        while (buf.hasRemaining()) {
            at += channel.write(buf, at);
        }
    }
}
