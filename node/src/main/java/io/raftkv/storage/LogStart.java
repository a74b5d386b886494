package io.raftkv.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The file {@code wal/START}: the sequence number of the first segment the log needs. Compaction makes it durable
 * before deleting anything, so that a crash halfway through deleting old segments cannot leave a first segment
 * that depends on one already gone: recovery finishes the deletion instead. Format: the sequence number (int64)
 * and a CRC32C of it (int32).
 */
final class LogStart {

    static final String NAME = "START";
    private static final int BYTES = 12;

    private LogStart() {
    }

    /** The first needed segment's sequence number, or 0 if compaction never ran. */
    static long read(Path dir, FileIo io) throws IOException {
        Path file = dir.resolve(NAME);
        if (!Files.exists(file)) {
            return 0;
        }
        ByteBuffer buf = ByteBuffer.allocate(BYTES);
        try (FileChannel channel = io.open(file, StandardOpenOption.READ)) {
            SnapshotFile.readFully(channel, buf, 0);
        }
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 0, 8);
        if (buf.hasRemaining() || (int) crc.getValue() != buf.getInt(8)) {
            throw new CorruptStorageException(file, 0, "log start record damaged");
        }
        return buf.getLong(0);
    }

    /** Durably records that the log starts at segment {@code seq} (temporary file, sync, rename, sync dir). */
    static void write(Path dir, FileIo io, long seq) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(BYTES).putLong(seq);
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 0, 8);
        buf.putInt((int) crc.getValue()).flip();
        Path temp = dir.resolve(NAME + ".tmp");
        try (FileChannel channel = io.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            SnapshotFile.writeFully(channel, buf, 0);
            channel.force(false);
        }
        io.moveAtomically(temp, dir.resolve(NAME));
        io.syncDirectory(dir);
    }
}
