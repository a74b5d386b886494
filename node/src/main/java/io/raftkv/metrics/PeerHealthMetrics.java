package io.raftkv.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.raftkv.raft.NodeStatus;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongPredicate;
import java.util.function.Supplier;

/**
 * Health of each peer as this node sees it, labelled {@code peer="<id>"}:
 * <ul>
 *   <li>{@code raftkv_peer_connected}: 1 while the channel to the peer is connected;</li>
 *   <li>{@code raftkv_peer_last_contact_seconds}: time since the peer was last seen alive (connected, or recently
 *       active in the leader's replication progress), at the resolution of {@link #refresh()} (NaN: never);</li>
 *   <li>{@code raftkv_peer_lag_entries}: on the leader, how many entries the peer's log is behind the leader's
 *       (NaN on other nodes).</li>
 * </ul>
 * Threads: {@link #refresh()} runs on one thread (the node's housekeeping, once a second); the gauges read what it
 * left (or the transport's state) on the scraping thread. Peers that leave the membership lose their gauges.
 */
public final class PeerHealthMetrics {

    private final MeterRegistry registry;
    private final long self;
    private final Supplier<Set<Long>> members;
    private final LongPredicate connected;
    private final Supplier<CompletableFuture<NodeStatus>> status;
    private final Map<Long, Peer> peers = new ConcurrentHashMap<>();

    private final class Peer {
        final long id;
        volatile long lastContactNanos = Long.MIN_VALUE;
        volatile double lag = Double.NaN;
        final Gauge[] gauges;

        Peer(long id) {
            this.id = id;
            String tag = Long.toString(id);
            gauges = new Gauge[] {
                Gauge.builder("raftkv_peer_connected", () -> connected.test(id) ? 1 : 0).tag("peer", tag)
                        .description("1 while this node's channel to the peer is connected").register(registry),
                Gauge.builder("raftkv_peer_last_contact_seconds", this::age).tag("peer", tag).baseUnit("seconds")
                        .description("time since the peer was last seen alive (NaN: never)").register(registry),
                Gauge.builder("raftkv_peer_lag_entries", () -> lag).tag("peer", tag)
                        .description("on the leader: entries the peer's log is behind (NaN elsewhere)")
                        .register(registry)};
        }

        double age() {
            long t = lastContactNanos;
            return t == Long.MIN_VALUE ? Double.NaN : (System.nanoTime() - t) / 1e9;
        }
    }

    public PeerHealthMetrics(MeterRegistry registry, long self, Supplier<Set<Long>> members, LongPredicate connected,
                             Supplier<CompletableFuture<NodeStatus>> status) {
        this.registry = registry;
        this.self = self;
        this.members = members;
        this.connected = connected;
        this.status = status;
    }

    /** Follows membership changes and records who is alive now. */
    public void refresh() {
        Set<Long> now = members.get();
        for (long id : now) {
            if (id != self) {
                peers.computeIfAbsent(id, Peer::new);
            }
        }
        peers.values().removeIf(p -> {
            if (now.contains(p.id)) {
                return false;
            }
            for (Gauge g : p.gauges) {
                registry.remove(g);
            }
            return true;
        });
        long t = System.nanoTime();
        for (Peer p : peers.values()) {
            if (connected.test(p.id)) {
                p.lastContactNanos = t;
            }
        }
        status.get().thenAccept(s -> {
            long last = s.lastIndex();
            for (Peer p : peers.values()) {
                NodeStatus.PeerProgress pr = s.progress().get(p.id);
                p.lag = pr == null ? Double.NaN : Math.max(0, last - pr.matchIndex());
                if (pr != null && pr.recentlyActive()) {
                    p.lastContactNanos = t;
                }
            }
        });
    }
}
