package io.raftkv.loadgen;

/**
 * Names the keys of a run: key {@code i} (0 ≤ i &lt; size) is {@code keySize} bytes, with {@code i} big-endian in
 * its last {@code min(8, keySize)} bytes and {@code 'k'} before it. Distinct indexes give distinct keys (the
 * options check that the key size can name the whole key space).
 */
final class KeySpace {
    private final int keySize;
    private final long size;

    KeySpace(int keySize, long size) {
        this.keySize = keySize;
        this.size = size;
    }

    long size() {
        return size;
    }

    byte[] key(long index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("key index " + index + " outside key space of " + size);
        }
        byte[] key = new byte[keySize];
        int indexBytes = Math.min(8, keySize);
        int prefix = keySize - indexBytes;
        for (int i = 0; i < prefix; i++) {
            key[i] = 'k';
        }
        long v = index;
        for (int i = keySize - 1; i >= prefix; i--) {
            key[i] = (byte) v;
            v >>>= 8;
        }
        return key;
    }
}
