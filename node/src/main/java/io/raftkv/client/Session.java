package io.raftkv.client;

import java.security.SecureRandom;

/**
 * One exactly-once session (thesis §6.3): a random client ID and the sequence number of the next write. A
 * session carries one write at a time; a retry reuses the write's sequence number.
 */
final class Session {
    private static final SecureRandom RANDOM = new SecureRandom();

    final long clientId;
    private long nextSeq = 1;

    Session() {
        long id;
        do {
            id = RANDOM.nextLong();
        } while (id == 0);
        this.clientId = id;
    }

    long nextSeq() {
        return nextSeq;
    }

    /** The write with {@link #nextSeq()} is settled (answered, or given up): move on. */
    void advance() {
        nextSeq++;
    }
}
