package io.raftkv.sim;

import io.raftkv.raft.message.Message;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The simulated network: every message is independently dropped, delayed, held back for long (which reorders
 * it behind later ones) or duplicated according to the current conditions, and links can be cut one way
 * (asymmetric partition) or both ways. A cut link drops messages both when they are sent and when they would
 * arrive.
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
    private final java.util.Map<Long, Long> lastArrival = new java.util.HashMap<>();
    private final java.util.function.LongSupplier clock;
    private Tamperer tamperer;
    private final java.util.List<java.util.function.Consumer<Message>> observers = new java.util.ArrayList<>();

    private double dropRate;
    private double duplicateRate;
    private double longDelayRate;
    private int minDelay;
    private int maxDelay;
    private int maxLongDelay;

    private long sent;

    SimNetwork(SplittableRandom random, java.util.function.LongSupplier clock, Postman postman, int minDelay,
               int maxDelay) {
        this.random = random;
        this.clock = clock;
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

    /** Tells {@code observer} about every message a node sends (before loss), e.g. to count a kind of message. */
    void observe(java.util.function.Consumer<Message> observer) {
        observers.add(observer);
    }

    void cut(long from, long to) {
        cutLinks.add(link(from, to));
    }

    void healAllLinks() {
        cutLinks.clear();
    }

    boolean connected(long from, long to) {
        return cutLinks.isEmpty() || !cutLinks.contains(link(from, to));
    }

    void send(Message m) {
        sent++;
        for (var o : observers) {
            o.accept(m);
        }
        if (tamperer != null) {
            tamperer.onSend(m, this::transmit);
        }
        transmit(m);
    }

    private void transmit(Message m) {
        if (!connected(m.from(), m.to()) || (dropRate > 0 && random.nextDouble() < dropRate)) {
            return;
        }
        postman.deliverLater(delay(m), m);
        if (duplicateRate > 0 && random.nextDouble() < duplicateRate) {
            postman.deliverLater(delay(m), m);
        }
    }

    /**
     * Normal delays keep each link FIFO, as a TCP connection would: a message never overtakes an earlier one on
     * the same link. Reordering comes from the "long delay" fault (and duplicates), which bypasses that.
     */
    private long delay(Message m) {
        if (longDelayRate > 0 && random.nextDouble() < longDelayRate) {
            return minDelay + random.nextInt(maxLongDelay - minDelay + 1);
        }
        long now = clock.getAsLong();
        long at = now + minDelay + random.nextInt(maxDelay - minDelay + 1);
        long key = link(m.from(), m.to());
        long previous = lastArrival.getOrDefault(key, 0L);
        at = Math.max(at, previous);
        lastArrival.put(key, at);
        return at - now;
    }

    long sent() {
        return sent;
    }

    private static long link(long from, long to) {
        return from * 1_000_003L + to;
    }
}
