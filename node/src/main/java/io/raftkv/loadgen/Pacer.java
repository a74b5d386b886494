package io.raftkv.loadgen;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Spaces the operations of all clients evenly at the rate limit: operation {@code k} of a phase is due at
 * {@code start + k / rate}. A client claims the next due time, waits for it, and measures latency from that
 * time rather than from when it got round to sending: a target that stalls is then charged for the operations
 * it kept waiting (no coordinated omission, as in wrk2). Without a rate limit every operation is due at once.
 */
final class Pacer {
    private final long intervalNanos;
    private final long startNanos;
    private final AtomicLong issued = new AtomicLong();

    Pacer(double ratePerSecond, long startNanos) {
        this.intervalNanos = ratePerSecond > 0 ? Math.max(1, Math.round(1e9 / ratePerSecond)) : 0;
        this.startNanos = startNanos;
    }

    boolean limited() {
        return intervalNanos > 0;
    }

    /** Claims the next operation's due time (System.nanoTime scale); now, when unlimited. */
    long claim() {
        if (!limited()) {
            return System.nanoTime();
        }
        return startNanos + issued.getAndIncrement() * intervalNanos;
    }

    /** Parks the calling thread until {@code dueNanos}. */
    static void awaitDue(long dueNanos) {
        long wait;
        while ((wait = dueNanos - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
        }
    }
}
