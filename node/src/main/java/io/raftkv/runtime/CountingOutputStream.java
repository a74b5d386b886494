package io.raftkv.runtime;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** Counts the bytes written through it: a snapshot's size is known only once it is written. */
final class CountingOutputStream extends FilterOutputStream {
    private long count;

    CountingOutputStream(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
        count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        count += len;
    }

    long count() {
        return count;
    }

    /**
     * The number of bytes {@code writer} produces, found by running it into nothing. The storage must know a
     * snapshot's size before it is written (it checks what arrives against it), and the state machine's
     * snapshots are deterministic, so a counting pass over the captured state gives exactly that size.
     */
    static long measure(io.raftkv.storage.RaftStorage.SnapshotWriter writer) throws IOException {
        CountingOutputStream counting = new CountingOutputStream(OutputStream.nullOutputStream());
        writer.writeTo(counting);
        return counting.count();
    }
}
