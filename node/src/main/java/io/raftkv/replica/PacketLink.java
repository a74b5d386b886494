package io.raftkv.replica;

import java.io.Closeable;
import java.io.IOException;
import java.util.function.Consumer;

/** A replica's one connection to the simulator: whole JSON messages in and out, one per packet. */
interface PacketLink extends Closeable {
    void send(byte[] packet) throws IOException;

    /**
     * Waits up to {@code timeoutNanos} (rounded up to a millisecond; not at all if not positive) until packets
     * arrive, and hands each one that has arrived to {@code sink}. Returns false once the link is closed.
     */
    boolean poll(long timeoutNanos, Consumer<byte[]> sink) throws IOException;

    static long toMillis(long timeoutNanos) {
        return Math.max(1, (timeoutNanos + 999_999) / 1_000_000);
    }
}
