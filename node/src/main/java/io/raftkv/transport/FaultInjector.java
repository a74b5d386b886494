package io.raftkv.transport;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Decides whether a message from one node to another gets through. Tests share one injector among the nodes
 * of an in-process cluster to cut links, isolate nodes, split the cluster or drop a fraction of messages;
 * production nodes use {@link #NONE}.
 */
public final class FaultInjector {

    /** Lets everything through. */
    public static final FaultInjector NONE = new FaultInjector();

    private final Set<Long> blockedLinks = ConcurrentHashMap.newKeySet();
    private volatile double dropRate;

    /** True if a message from {@code from} to {@code to} may be delivered now. */
    public boolean allows(long from, long to) {
        if (this == NONE) {
            return true;
        }
        if (blockedLinks.contains(link(from, to))) {
            return false;
        }
        double rate = dropRate;
        return rate <= 0 || ThreadLocalRandom.current().nextDouble() >= rate;
    }

    /** Cuts the link between two nodes in both directions. */
    public void cut(long a, long b) {
        blockedLinks.add(link(a, b));
        blockedLinks.add(link(b, a));
    }

    /** Cuts {@code node} off from every node in {@code others}. */
    public void isolate(long node, Set<Long> others) {
        for (long o : others) {
            if (o != node) {
                cut(node, o);
            }
        }
    }

    /** Splits the nodes into two sides that cannot talk to each other. */
    public void partition(Set<Long> sideA, Set<Long> sideB) {
        for (long a : sideA) {
            for (long b : sideB) {
                cut(a, b);
            }
        }
    }

    /** Drops this fraction (0..1) of all messages at random. */
    public void dropRate(double rate) {
        if (this == NONE) {
            throw new IllegalStateException("the shared NONE injector cannot inject faults");
        }
        this.dropRate = rate;
    }

    /** Restores every link and stops random drops. */
    public void heal() {
        blockedLinks.clear();
        dropRate = 0;
    }

    private static long link(long from, long to) {
        return (from << 32) ^ to;
    }
}
