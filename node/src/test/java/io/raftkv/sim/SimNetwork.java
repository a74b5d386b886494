package io.raftkv.sim;

import io.raftkv.raft.message.Message;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The simulated network: every message is independently dropped, delayed (which reorders messages), or
 * duplicated according to the current conditions, and links can be cut one way (asymmetric partition) or both
 * ways. A cut link drops messages both when they are sent and when they would arrive.
 */
final class SimNetwork {

    /** Delivers a message at its arrival time. */
    interface Postman {
        void deliverLater(long delay, Message m);
    }

    /** A hook that sees every message sent and may add forged ones (used to inject bugs on purpose). */
    interface Tamperer {
        void onSend(Message m, java.util.function.Consumer<Message> forge);
    }

    private final SplittableRandom random;
    private final Postman postman;
    private final Set<Long> cutLinks = new HashSet<>();
    private Tamperer tamperer;

    private double dropRate;
    private double duplicateRate;
    private double longDelayRate;
    private int minDelay;
    private int maxDelay;
    private int maxLongDelay;

    private long sent;
    private long dropped;
    private long duplicated;

    SimNetwork(SplittableRandom random, Postman postman, int minDelay, int maxDelay) {
        this.random = random;
        this.postman = postman;
        reliable(minDelay, maxDelay);
    }

    /** No loss, no duplication, delays drawn from [min, max]. */
    void reliable(int min, int max) {
        this.minDelay = min;
        this.maxDelay = max;
        this.dropRate = 0;
        this.duplicateRate = 0;
        this.longDelayRate = 0;
        this.maxLongDelay = max;
    }

    /**
     * Lossy conditions: each message is dropped with {@code drop}, duplicated with {@code duplicate}, and with
     * {@code longDelay} held back for up to {@code maxLongDelay} time units (reordering it behind later ones).
     */
    void unreliable(double drop, double duplicate, double longDelay, int maxLongDelay) {
        this.dropRate = drop;
        this.duplicateRate = duplicate;
        this.longDelayRate = longDelay;
        this.maxLongDelay = Math.max(maxDelay, maxLongDelay);
    }

    void tamperer(Tamperer t) {
        this.tamperer = t;
    }

    void cut(long from, long to) {
        cutLinks.add(link(from, to));
    }

    void restore(long from, long to) {
        cutLinks.remove(link(from, to));
    }

    void healAllLinks() {
        cutLinks.clear();
    }

    boolean connected(long from, long to) {
        return cutLinks.isEmpty() || !cutLinks.contains(link(from, to));
    }

    void send(Message m) {
        sent++;
        if (tamperer != null) {
            tamperer.onSend(m, this::transmit);
        }
        transmit(m);
    }

    private void transmit(Message m) {
        if (!connected(m.from(), m.to()) || (dropRate > 0 && random.nextDouble() < dropRate)) {
            dropped++;
            return;
        }
        postman.deliverLater(delay(), m);
        if (duplicateRate > 0 && random.nextDouble() < duplicateRate) {
            duplicated++;
            postman.deliverLater(delay(), m);
        }
    }

    private long delay() {
        if (longDelayRate > 0 && random.nextDouble() < longDelayRate) {
            return minDelay + random.nextInt(maxLongDelay - minDelay + 1);
        }
        return minDelay + random.nextInt(maxDelay - minDelay + 1);
    }

    String summary() {
        return sent + " messages sent, " + dropped + " dropped, " + duplicated + " duplicated";
    }

    long sent() {
        return sent;
    }

    private static long link(long from, long to) {
        return from * 1_000_003L + to;
    }
}
