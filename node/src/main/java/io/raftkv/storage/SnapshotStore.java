package io.raftkv.storage;

import io.raftkv.raft.Membership;
import io.raftkv.raft.SnapshotMeta;
import io.raftkv.raft.SnapshotReader;
import io.raftkv.raft.message.InstallSnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The snapshots of one node, in one directory. Every snapshot, taken locally or received from the leader, is
 * written under a temporary name, synced, renamed atomically into place and the directory synced; only then is it
 * current. The newest {@code retain} snapshots are kept, older ones deleted.
 *
 * <p>Threads: {@link #save} may run on any thread (a snapshot must never be written on the consensus thread),
 * concurrently with the disk thread's {@link #writeChunk}/{@link #install} and the consensus thread's
 * {@link #reader()}; receiving a snapshot is confined to one thread (the disk thread).
 */
final class SnapshotStore implements Closeable {

    private static final Logger log = LoggerFactory.getLogger(SnapshotStore.class);

    private final Path dir;
    private final int retain;
    private final FileIo io;
    private final AtomicLong tempCounter = new AtomicLong();
    private final TreeMap<Long, Stored> byIndex = new TreeMap<>();
    private final Map<Path, FileChannel> openReaders = new HashMap<>();
    private Receiving receiving;

    private record Stored(SnapshotMeta meta, Path path, int headerLength) {
    }

    /** A snapshot being received from the leader, chunk by chunk, into a temporary file. */
    private static final class Receiving {
        final SnapshotMeta meta;
        final Path path;
        final FileChannel channel;
        final int headerLength;
        long received;
        boolean unsynced;

        Receiving(SnapshotMeta meta, Path path, FileChannel channel) {
            this.meta = meta;
            this.path = path;
            this.channel = channel;
            this.headerLength = SnapshotFile.headerLength(meta.membership());
        }
    }

    SnapshotStore(Path dir, int retain, FileIo io) {
        if (retain < 1) {
            throw new IllegalArgumentException("must retain at least one snapshot, got " + retain);
        }
        this.dir = dir;
        this.retain = retain;
        this.io = io;
    }

    /**
     * Loads the snapshots found at start-up: deletes leftovers of interrupted writes, checks every header, and
     * checks the data checksum of the newest (the one the node will restore).
     *
     * @return the newest snapshot, or null if there is none
     * @throws CorruptStorageException naming the file and offset of any damage
     */
    synchronized SnapshotMeta recover() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> listing = Files.list(dir)) {
            for (Path file : (Iterable<Path>) listing::iterator) {
                String name = file.getFileName().toString();
                if (name.endsWith(".tmp")) {
                    log.info("deleting {}, left over from a snapshot write that did not complete", file);
                    io.delete(file);
                } else if (SnapshotFile.isSnapshotName(name)) {
                    files.add(file);
                } else {
                    log.warn("ignoring unexpected file {} in the snapshot directory", file);
                }
            }
        }
        byIndex.clear();
        for (Path file : files) {
            try (FileChannel channel = io.open(file, StandardOpenOption.READ)) {
                SnapshotFile.Header header = SnapshotFile.readHeader(channel, file);
                byIndex.put(header.meta().index(), new Stored(header.meta(), file, header.headerLength()));
            }
        }
        if (byIndex.isEmpty()) {
            return null;
        }
        Stored newest = byIndex.lastEntry().getValue();
        try (FileChannel channel = io.open(newest.path(), StandardOpenOption.READ)) {
            SnapshotFile.verifyData(channel, newest.path(), SnapshotFile.readHeader(channel, newest.path()));
        }
        return newest.meta();
    }

    synchronized SnapshotMeta newest() {
        return byIndex.isEmpty() ? null : byIndex.lastEntry().getValue().meta();
    }

    /**
     * Writes a snapshot of the local state machine, durably, in one pass: the data goes after room left for the
     * header, whose size depends only on the membership, and the header (size and checksum) is written last.
     *
     * @throws IOException if the writer fails (nothing is saved then)
     */
    SnapshotMeta save(long index, long term, Membership membership, RaftStorage.SnapshotWriter writer)
            throws IOException {
        Path temp = dir.resolve(SnapshotFile.fileName(index, term) + "." + tempCounter.incrementAndGet() + ".tmp");
        int headerLength = SnapshotFile.headerLength(membership);
        SnapshotMeta meta;
        try (FileChannel channel = io.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ChecksummingOutput out = new ChecksummingOutput(channel, headerLength);
            writer.writeTo(out);
            out.flush();
            meta = new SnapshotMeta(index, term, membership, out.count);
            SnapshotFile.writeFully(channel, SnapshotFile.encodeHeader(meta, (int) out.crc.getValue()), 0);
            channel.force(false);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(temp, e);
            throw e;
        }
        publish(temp, meta, headerLength);
        log.info("saved snapshot at index {} term {} ({} bytes)", meta.index(), meta.term(), meta.sizeBytes());
        return meta;
    }

    /** Writes one received chunk into the temporary file of the snapshot it belongs to. Disk thread only. */
    void writeChunk(InstallSnapshot chunk) throws IOException {
        if (receiving == null || !receiving.meta.equals(chunk.meta()) || chunk.offset() == 0) {
            abortReceiving();
            SnapshotMeta meta = chunk.meta();
            Path temp = dir.resolve("recv-" + SnapshotFile.fileName(meta.index(), meta.term()) + ".tmp");
            FileChannel channel = io.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.READ, StandardOpenOption.WRITE);
            receiving = new Receiving(meta, temp, channel);
        }
        if (chunk.offset() > receiving.received) {
            throw new IllegalArgumentException("snapshot chunk at offset " + chunk.offset() + " leaves a gap: only "
                    + receiving.received + " bytes of snapshot " + chunk.meta().index() + " were received");
        }
        SnapshotFile.writeFully(receiving.channel, ByteBuffer.wrap(chunk.data()),
                receiving.headerLength + chunk.offset());
        receiving.received = Math.max(receiving.received, chunk.offset() + chunk.data().length);
        receiving.unsynced = true;
    }

    /** Makes the chunks written so far durable. Disk thread only. */
    void syncReceived() throws IOException {
        if (receiving != null && receiving.unsynced) {
            receiving.channel.force(false);
            receiving.unsynced = false;
        }
    }

    /**
     * The received snapshot {@code meta} is complete: checksum it, write its header, and make it current.
     * Disk thread only.
     */
    SnapshotMeta install(SnapshotMeta meta) throws IOException {
        if (receiving == null && meta.sizeBytes() == 0) {
            writeChunk(new InstallSnapshot(0, 0, 0, meta, 0, new byte[0], true)); // an empty state machine
        }
        if (receiving == null || !receiving.meta.equals(meta)) {
            throw new IllegalStateException("cannot install snapshot " + meta + ": its bytes were not received"
                    + (receiving == null ? "" : " (receiving " + receiving.meta + ")"));
        }
        if (receiving.received != meta.sizeBytes()) {
            throw new IllegalStateException("cannot install snapshot at index " + meta.index() + ": received "
                    + receiving.received + " of its " + meta.sizeBytes() + " bytes");
        }
        Receiving done = receiving;
        receiving = null;
        try {
            int crc = SnapshotFile.dataCrc(done.channel, done.headerLength, meta.sizeBytes());
            SnapshotFile.writeFully(done.channel, SnapshotFile.encodeHeader(meta, crc), 0);
            done.channel.truncate(done.headerLength + meta.sizeBytes()); // a resent stream may have been longer
            done.channel.force(false);
            done.channel.close();
        } catch (IOException | RuntimeException e) {
            done.channel.close();
            deleteQuietly(done.path, e);
            throw e;
        }
        publish(done.path, meta, done.headerLength);
        log.info("installed snapshot at index {} term {} received from the leader ({} bytes)", meta.index(),
                meta.term(), meta.sizeBytes());
        return meta;
    }

    /** Opens the data of a stored snapshot; the stream throws at its end if the data fails its checksum. */
    InputStream open(SnapshotMeta meta) throws IOException {
        Stored stored;
        synchronized (this) {
            stored = find(meta);
        }
        FileChannel channel = io.open(stored.path(), StandardOpenOption.READ);
        try {
            SnapshotFile.Header header = SnapshotFile.readHeader(channel, stored.path());
            return new VerifyingInput(channel, stored.path(), header);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Chunked reads for the core's InstallSnapshot sender; each read is one positional read of the file. */
    SnapshotReader reader() {
        return (meta, offset, maxBytes) -> {
            synchronized (SnapshotStore.this) {
                try {
                    Stored stored = find(meta);
                    if (offset < 0 || offset > meta.sizeBytes() || maxBytes < 0) {
                        throw new IllegalArgumentException("cannot read " + maxBytes + " bytes at offset " + offset
                                + " of snapshot " + meta);
                    }
                    FileChannel channel = openReaders.get(stored.path());
                    if (channel == null) {
                        channel = io.open(stored.path(), StandardOpenOption.READ);
                        openReaders.put(stored.path(), channel);
                    }
                    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(maxBytes, stored.meta().sizeBytes() - offset));
                    SnapshotFile.readFully(channel, buf, stored.headerLength() + offset);
                    if (buf.hasRemaining()) {
                        throw new IOException("snapshot file " + stored.path() + " is shorter than its header says");
                    }
                    return buf.array();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    @Override
    public synchronized void close() throws IOException {
        abortReceiving();
        for (FileChannel channel : openReaders.values()) {
            channel.close();
        }
        openReaders.clear();
    }

    private Stored find(SnapshotMeta meta) throws IOException {
        Stored stored = byIndex.get(meta.index());
        if (stored == null || stored.meta().term() != meta.term()) {
            throw new IOException("no snapshot at index " + meta.index() + " term " + meta.term() + " in " + dir);
        }
        return stored;
    }

    /** Renames a synced temporary file into place, syncs the directory, and applies retention. */
    private synchronized void publish(Path temp, SnapshotMeta meta, int headerLength) throws IOException {
        Path target = dir.resolve(SnapshotFile.fileName(meta.index(), meta.term()));
        try {
            io.moveAtomically(temp, target);
            io.syncDirectory(dir);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(temp, e);
            throw e;
        }
        closeReader(target); // a snapshot replaced under the same name
        Stored replaced = byIndex.put(meta.index(), new Stored(meta, target, headerLength));
        if (replaced != null && !replaced.path().equals(target)) {
            closeReader(replaced.path()); // same index, another term: only one can be committed state
            io.delete(replaced.path());
        }
        boolean deleted = false;
        while (byIndex.size() > retain) {
            Stored oldest = byIndex.pollFirstEntry().getValue();
            closeReader(oldest.path());
            io.delete(oldest.path());
            deleted = true;
        }
        if (deleted) {
            io.syncDirectory(dir);
        }
    }

    private void closeReader(Path path) throws IOException {
        FileChannel channel = openReaders.remove(path);
        if (channel != null) {
            channel.close();
        }
    }

    private void abortReceiving() throws IOException {
        if (receiving != null) {
            Receiving abandoned = receiving;
            receiving = null;
            abandoned.channel.close();
            io.delete(abandoned.path);
        }
    }

    private void deleteQuietly(Path file, Exception cause) {
        try {
            io.delete(file);
        } catch (IOException suppressed) {
            cause.addSuppressed(suppressed);
        }
    }

    /** Buffers writes into the file after the header, counting and checksumming them. */
    private static final class ChecksummingOutput extends OutputStream {
        private final FileChannel channel;
        private final ByteBuffer buffer = ByteBuffer.allocateDirect(256 << 10);
        private final CRC32C crc = new CRC32C();
        private long position;
        private long count;

        ChecksummingOutput(FileChannel channel, long start) {
            this.channel = channel;
            this.position = start;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            crc.update(b, off, len);
            count += len;
            while (len > 0) {
                if (!buffer.hasRemaining()) {
                    flush();
                }
                int n = Math.min(len, buffer.remaining());
                buffer.put(b, off, n);
                off += n;
                len -= n;
            }
        }

        @Override
        public void flush() throws IOException {
            buffer.flip();
            while (buffer.hasRemaining()) {
                position += channel.write(buffer, position);
            }
            buffer.clear();
        }

        @Override
        public void close() throws IOException {
            flush(); // the channel belongs to the store
        }
    }

    /** Streams a snapshot's data and fails at the end if it does not match the header's checksum. */
    private static final class VerifyingInput extends InputStream {
        private final FileChannel channel;
        private final Path file;
        private final SnapshotFile.Header header;
        private final CRC32C crc = new CRC32C();
        private long position;
        private final long end;

        VerifyingInput(FileChannel channel, Path file, SnapshotFile.Header header) {
            this.channel = channel;
            this.file = file;
            this.header = header;
            this.position = header.headerLength();
            this.end = header.headerLength() + header.meta().sizeBytes();
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (position >= end) {
                return -1;
            }
            int n = channel.read(ByteBuffer.wrap(b, off, (int) Math.min(len, end - position)), position);
            if (n < 0) {
                throw new CorruptStorageException(file, position, "snapshot data ends early");
            }
            crc.update(b, off, n);
            position += n;
            if (position == end && (int) crc.getValue() != header.dataCrc()) {
                throw new CorruptStorageException(file, header.headerLength(), "snapshot data checksum mismatch");
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
