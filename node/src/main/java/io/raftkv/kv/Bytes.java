package io.raftkv.kv;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable byte string, ordered as unsigned bytes (the order of keys in the store).
 *
 * <p>Hand-written rather than taken from a library (protobuf's {@code ByteString}, Guava) so that the state
 * machine has no dependency and can hand out its stored arrays without copying: the array inside a
 * {@code Bytes} is never exposed, only copies or read-only views of it. Inside this package, {@link #wrap}
 * adopts an array without copying; every caller of it hands over ownership.
 */
public final class Bytes implements Comparable<Bytes> {

    public static final Bytes EMPTY = new Bytes(new byte[0]);

    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final int TO_STRING_MAX_BYTES = 64;

    private final byte[] bytes;
    /** Cached hash; 0 means not yet computed (the racy single-check idiom of {@link String#hashCode()}). */
    private int hash;

    private Bytes(byte[] bytes) {
        this.bytes = bytes;
    }

    public static Bytes copyOf(byte[] source) {
        return copyOf(source, 0, source.length);
    }

    public static Bytes copyOf(byte[] source, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, source.length);
        return length == 0 ? EMPTY : new Bytes(Arrays.copyOfRange(source, offset, offset + length));
    }

    /** Copies the remaining bytes of {@code source} without moving its position. */
    public static Bytes copyOf(ByteBuffer source) {
        byte[] copy = new byte[source.remaining()];
        source.duplicate().get(copy);
        return copy.length == 0 ? EMPTY : new Bytes(copy);
    }

    public static Bytes utf8(String text) {
        return wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Adopts {@code owned} without copying: the caller must never modify it afterwards. */
    static Bytes wrap(byte[] owned) {
        return owned.length == 0 ? EMPTY : new Bytes(owned);
    }

    /** The backing array, for this package only; never modified and never leaked outside the package. */
    byte[] array() {
        return bytes;
    }

    public int length() {
        return bytes.length;
    }

    public boolean isEmpty() {
        return bytes.length == 0;
    }

    public byte byteAt(int index) {
        return bytes[index];
    }

    public byte[] toByteArray() {
        return bytes.clone();
    }

    public ByteBuffer asReadOnlyByteBuffer() {
        return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
    }

    public void writeTo(OutputStream out) throws IOException {
        out.write(bytes);
    }

    public String toStringUtf8() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    public boolean startsWith(Bytes prefix) {
        return startsWith(bytes, prefix.bytes);
    }

    static boolean startsWith(byte[] array, byte[] prefix) {
        return array.length >= prefix.length
                && Arrays.equals(array, 0, prefix.length, prefix, 0, prefix.length);
    }

    @Override
    public int compareTo(Bytes other) {
        return Arrays.compareUnsigned(bytes, other.bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Bytes other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = Arrays.hashCode(bytes);
            hash = h;
        }
        return h;
    }

    /** Printable ASCII in quotes, anything else as hex; long values are cut after 64 bytes. */
    @Override
    public String toString() {
        int shown = Math.min(bytes.length, TO_STRING_MAX_BYTES);
        boolean printable = true;
        for (int i = 0; i < shown && printable; i++) {
            printable = bytes[i] >= 0x20 && bytes[i] < 0x7f;
        }
        StringBuilder sb = new StringBuilder(shown * 2 + 16);
        if (printable) {
            sb.append('"').append(new String(bytes, 0, shown, StandardCharsets.US_ASCII)).append('"');
        } else {
            sb.append("0x");
            for (int i = 0; i < shown; i++) {
                sb.append(HEX[(bytes[i] >> 4) & 0xf]).append(HEX[bytes[i] & 0xf]);
            }
        }
        if (shown < bytes.length) {
            sb.append("...(").append(bytes.length).append(" bytes)");
        }
        return sb.toString();
    }
}
