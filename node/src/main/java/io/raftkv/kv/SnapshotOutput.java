package io.raftkv.kv;

import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32C;

/** Buffered writer of snapshot fields that keeps a CRC32C of everything written. Single-threaded. */
final class SnapshotOutput {

    private static final int BUFFER_BYTES = 64 * 1024;

    private final OutputStream out;
    private final CRC32C crc = new CRC32C();
    private final byte[] buffer = new byte[BUFFER_BYTES];
    private int used;

    SnapshotOutput(OutputStream out) {
        this.out = out;
    }

    void u8(int value) throws IOException {
        ensure(1);
        buffer[used++] = (byte) value;
    }

    void u32(int value) throws IOException {
        ensure(Integer.BYTES);
        for (int i = 0; i < Integer.BYTES; i++) {
            buffer[used++] = (byte) (value >>> (24 - 8 * i));
        }
    }

    void u64(long value) throws IOException {
        ensure(Long.BYTES);
        for (int i = 0; i < Long.BYTES; i++) {
            buffer[used++] = (byte) (value >>> (56 - 8 * i));
        }
    }

    void varint(long value) throws IOException {
        ensure(Varint.MAX_BYTES);
        used = Varint.put(buffer, used, value);
    }

    void bytes(byte[] bytes) throws IOException {
        varint(bytes.length);
        raw(bytes);
    }

    void raw(byte[] bytes) throws IOException {
        if (bytes.length > buffer.length - used) {
            drain();
            if (bytes.length > buffer.length) {
                crc.update(bytes);
                out.write(bytes);
                return;
            }
        }
        System.arraycopy(bytes, 0, buffer, used, bytes.length);
        used += bytes.length;
    }

    /** The CRC32C of everything written so far. */
    int checksum() throws IOException {
        drain();
        return (int) crc.getValue();
    }

    void flush() throws IOException {
        drain();
        out.flush();
    }

    private void ensure(int count) throws IOException {
        if (buffer.length - used < count) {
            drain();
        }
    }

    private void drain() throws IOException {
        if (used > 0) {
            crc.update(buffer, 0, used);
            out.write(buffer, 0, used);
            used = 0;
        }
    }
}
