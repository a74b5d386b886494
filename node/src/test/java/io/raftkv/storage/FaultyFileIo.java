package io.raftkv.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The real file system with a fake disk capacity and injectable fsync failures: writes that grow files draw on
 * {@link #freeBytes} and fail with "No space left on device" when it runs out (after a short write, as the
 * kernel does); deleting or truncating a file gives its space back.
 */
final class FaultyFileIo implements FileIo {

    final AtomicLong freeBytes = new AtomicLong(Long.MAX_VALUE / 4);
    volatile boolean failForce;
    /** Deletions left before every further one fails (a process dying halfway through); -1: never fail. */
    volatile int deletesBeforeFailure = -1;

    @Override
    public FileChannel open(Path path, OpenOption... options) throws IOException {
        return new FaultyChannel(FileChannel.open(path, options));
    }

    @Override
    public void delete(Path path) throws IOException {
        if (deletesBeforeFailure == 0) {
            throw new IOException("injected: deletion failed");
        }
        if (deletesBeforeFailure > 0) {
            deletesBeforeFailure--;
        }
        long size = Files.isRegularFile(path) ? Files.size(path) : 0;
        if (Files.deleteIfExists(path)) {
            freeBytes.addAndGet(size);
        }
    }

    @Override
    public void syncDirectory(Path dir) throws IOException {
        if (failForce) {
            throw new IOException("Input/output error (injected directory fsync failure)");
        }
        FileIo.super.syncDirectory(dir);
    }

    @Override
    public long usableSpace(Path path) {
        return freeBytes.get();
    }

    private final class FaultyChannel extends FileChannel {
        private final FileChannel delegate;

        FaultyChannel(FileChannel delegate) {
            this.delegate = delegate;
        }

        /** How many of {@code length} bytes written at {@code position} the disk can take. */
        private int admit(long position, int length) throws IOException {
            long growth = Math.max(0, position + length - delegate.size());
            while (true) {
                long free = freeBytes.get();
                long taken = Math.min(free, growth);
                if (freeBytes.compareAndSet(free, free - taken)) {
                    int allowed = (int) (length - (growth - taken));
                    if (allowed <= 0 && length > 0) {
                        throw new IOException("No space left on device (injected)");
                    }
                    return allowed;
                }
            }
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            int allowed = admit(position, src.remaining());
            int limit = src.limit();
            src.limit(src.position() + allowed);
            try {
                return delegate.write(src, position);
            } finally {
                src.limit(limit);
            }
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            int n = write(src, delegate.position());
            delegate.position(delegate.position() + n);
            return n;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            if (failForce) {
                throw new IOException("Input/output error (injected fsync failure)");
            }
            delegate.force(metaData);
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            long before = delegate.size();
            delegate.truncate(size);
            freeBytes.addAndGet(Math.max(0, before - delegate.size()));
            return this;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return delegate.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return delegate.read(dsts, offset, length);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            throw new UnsupportedOperationException("gathering writes are not used by the storage");
        }

        @Override
        public long position() throws IOException {
            return delegate.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            delegate.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return delegate.size();
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return delegate.read(dst, position);
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) {
            throw new UnsupportedOperationException();
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return delegate.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return delegate.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            delegate.close();
        }
    }
}
