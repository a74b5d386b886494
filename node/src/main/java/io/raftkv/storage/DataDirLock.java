package io.raftkv.storage;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;

/**
 * The exclusive OS lock ({@code fcntl} through {@link FileChannel#tryLock()}) on a directory's {@code LOCK} file,
 * with the holder's PID written into the file for error messages. The node takes it before it reads or writes
 * anything else in its data directory and holds it for its lifetime; {@code raftkv local} takes one on its cluster
 * directory, and anything that deletes a data directory ({@code raftkv local --clean}) takes the directory's lock
 * first. The OS releases the lock when the holder dies, however it dies, so a stale file never blocks anyone.
 */
public final class DataDirLock implements Closeable {

    public static final String FILE = "LOCK";

    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(Path dir, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
    }

    /** Thrown when another process (or this one) holds the lock. */
    public static final class HeldException extends IOException {
        private final Path dir;
        private final OptionalLong holderPid;

        HeldException(Path dir, OptionalLong holderPid, String message) {
            super(message);
            this.dir = dir;
            this.holderPid = holderPid;
        }

        public Path dir() {
            return dir;
        }

        /** The holder's PID as it wrote it into the lock file, if readable. */
        public OptionalLong holderPid() {
            return holderPid;
        }
    }

    /** Locks {@code dir} (creating it if needed) with the default file system. */
    public static DataDirLock acquire(Path dir) throws IOException {
        return acquire(dir, FileIo.DEFAULT);
    }

    /**
     * Locks {@code dir}, creating it if needed, and writes this process's PID into the lock file.
     *
     * @throws HeldException if another process, or another owner in this process, holds it
     */
    public static DataDirLock acquire(Path dir, FileIo io) throws IOException {
        Files.createDirectories(dir);
        FileChannel channel = io.open(dir.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                throw new HeldException(dir, OptionalLong.of(ProcessHandle.current().pid()),
                        dir + " is already open in this process");
            }
            if (lock == null) {
                OptionalLong pid = pidIn(channel);
                throw new HeldException(dir, pid, dir + " is in use by another process"
                        + (pid.isPresent() ? " (pid " + pid.getAsLong() + ")" : ""));
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            channel.force(false);
            return new DataDirLock(dir, channel, lock);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * The PID of the live process holding {@code dir}'s lock, or empty if nobody holds it (or there is no lock
     * file). Asks the OS (by trying the lock for an instant), so a stale PID in the file is never reported.
     */
    public static OptionalLong holder(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        }
        try (channel) {
            FileLock probe;
            try {
                probe = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                return OptionalLong.of(ProcessHandle.current().pid());
            }
            if (probe != null) {
                probe.release();
                return OptionalLong.empty();
            }
            OptionalLong pid = pidIn(channel);
            return pid.isPresent() ? pid : OptionalLong.of(-1);
        }
    }

    /**
     * The PID last written into {@code dir}'s lock file, without touching the lock (so it cannot disturb a node
     * that is taking it at this instant). It may be stale: check that the process is alive.
     */
    public static OptionalLong recordedPid(Path dir) {
        try {
            return parsePid(Files.readString(dir.resolve(FILE), StandardCharsets.US_ASCII));
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }

    public Path dir() {
        return dir;
    }

    @Override
    public void close() throws IOException {
        try {
            if (lock.isValid()) {
                lock.release();
            }
        } finally {
            channel.close();
        }
    }

    private static OptionalLong pidIn(FileChannel channel) {
        try {
            ByteBuffer buf = ByteBuffer.allocate(32);
            channel.read(buf, 0);
            return parsePid(new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII));
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }

    private static OptionalLong parsePid(String text) {
        try {
            String line = text.strip();
            return line.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(line));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
