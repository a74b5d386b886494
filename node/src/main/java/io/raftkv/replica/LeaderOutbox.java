package io.raftkv.replica;

import io.raftkv.raft.message.AppendEntries;
import io.raftkv.raft.message.AppendResponse;
import io.raftkv.raft.message.Heartbeat;
import io.raftkv.raft.message.HeartbeatResponse;
import io.raftkv.raft.message.Message;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The leader's side of the simulator transport, which counts every message between replicas and drops some.
 * The core already sends new entries only to a quorum (RaftConfig#quorumFanout) and heartbeats only to idle
 * followers; this adds what a lossy, metered network needs on top:
 * <ul>
 *   <li><b>Retransmission.</b> An AppendEntries or heartbeat to a follower that answered recently and gets
 *       no answer within {@link ReplicaSettings#retransmitNanos()} is sent again, up to
 *       {@link ReplicaSettings#retransmitLimit()} times. Raft messages are idempotent, and on a local socket a
 *       few milliseconds of silence means a drop, not congestion; the core alone would wait for the next
 *       heartbeat round.</li>
 *   <li><b>Read rounds to a quorum.</b> A ReadIndex round (thesis §6.4) is confirmed by a majority, so its
 *       heartbeats go at once only to the {@code quorum - 1} followers heard from last; the others get theirs
 *       held back until they have not been contacted for a heartbeat interval (so they still hear from the
 *       leader often enough not to start elections), and dropped if something newer goes to them first.</li>
 * </ul>
 * It only delays, repeats or drops messages, as the network may anyway; the core's safety never depends on it.
 * Pure: time comes in as arguments.
 */
final class LeaderOutbox {

    /** Where messages that leave go. */
    interface Wire {
        void send(Message m);
    }

    private static final class Lane {
        final long follower;
        long lastHeard = Long.MIN_VALUE;
        long lastSent = Long.MIN_VALUE;
        Message awaiting;
        long awaitingSince;
        int retransmits;
        Heartbeat deferred;

        Lane(long follower) {
            this.follower = follower;
        }
    }

    private final ReplicaSettings settings;
    private final Map<Long, Lane> lanes = new LinkedHashMap<>();
    private int readFanout;
    private boolean active;
    private long retransmissions;

    LeaderOutbox(ReplicaSettings settings) {
        this.settings = settings;
    }

    /** Starts a term as leader; read rounds go at once to {@code readFanout} followers. */
    void activate(List<Long> followers, int readFanout) {
        Map<Long, Long> heard = new LinkedHashMap<>();
        for (Lane l : lanes.values()) {
            heard.put(l.follower, l.lastHeard);
        }
        lanes.clear();
        for (long f : followers) {
            Lane lane = new Lane(f);
            lane.lastHeard = heard.getOrDefault(f, Long.MIN_VALUE);
            lanes.put(f, lane);
        }
        this.readFanout = readFanout;
        active = true;
    }

    /** Leaves leadership: whatever is held back or awaited is stale now. */
    void deactivate() {
        active = false;
        for (Lane l : lanes.values()) {
            l.awaiting = null;
            l.deferred = null;
        }
    }

    boolean isActive() {
        return active;
    }

    long retransmissions() {
        return retransmissions;
    }

    /**
     * A message from the core. {@code periodic} is true when the core produced it on a clock tick (its
     * heartbeat round), false when it reacted to a proposal, a read or a message.
     */
    void offer(Message m, boolean periodic, long now, Wire wire) {
        Lane lane = active ? lanes.get(m.to()) : null;
        if (lane == null || !(m instanceof AppendEntries || m instanceof Heartbeat)) {
            wire.send(m);
            return;
        }
        if (m instanceof Heartbeat h && !periodic && !fastest(readFanout).contains(lane)) {
            lane.deferred = h;
            return;
        }
        lane.deferred = null;
        lane.lastSent = now;
        boolean responsive = elapsed(now, lane.lastHeard) <= 2 * settings.heartbeatNanos();
        if (responsive) {
            lane.awaiting = m;
            lane.awaitingSince = now;
            lane.retransmits = 0;
        }
        wire.send(m);
    }

    /** A message from a follower; an answer stops retransmission of what it answers. */
    void heard(Message m, long now) {
        Lane lane = lanes.get(m.from());
        if (lane == null) {
            return;
        }
        lane.lastHeard = now;
        if (lane.awaiting != null && answers(m, lane.awaiting)) {
            lane.awaiting = null;
        }
    }

    /** Retransmits what went unanswered and sends held-back heartbeats that are due. */
    void tick(long now, Wire wire) {
        if (!active) {
            return;
        }
        for (Lane lane : lanes.values()) {
            if (lane.awaiting != null && now - lane.awaitingSince >= settings.retransmitNanos()) {
                if (lane.retransmits < settings.retransmitLimit()) {
                    lane.retransmits++;
                    retransmissions++;
                    lane.awaitingSince = now;
                    lane.lastSent = now;
                    wire.send(lane.awaiting);
                } else {
                    lane.awaiting = null; // it is silent: leave it to the core's heartbeat rounds
                }
            }
            if (lane.deferred != null && elapsed(now, lane.lastSent) >= settings.heartbeatNanos()) {
                Heartbeat h = lane.deferred;
                lane.deferred = null;
                lane.lastSent = now;
                wire.send(h);
            }
        }
    }

    /** The earliest time {@link #tick} has something to do, or {@link Long#MAX_VALUE}. */
    long nextDeadline() {
        if (!active) {
            return Long.MAX_VALUE;
        }
        long next = Long.MAX_VALUE;
        for (Lane lane : lanes.values()) {
            if (lane.awaiting != null) {
                next = Math.min(next, lane.awaitingSince + settings.retransmitNanos());
            }
            if (lane.deferred != null) {
                next = Math.min(next, lane.lastSent == Long.MIN_VALUE ? Long.MIN_VALUE
                        : lane.lastSent + settings.heartbeatNanos());
            }
        }
        return next;
    }

    /** Time since {@code since}; forever if it never happened. */
    private static long elapsed(long now, long since) {
        return since == Long.MIN_VALUE ? Long.MAX_VALUE : now - since;
    }

    private List<Lane> fastest(int n) {
        List<Lane> byContact = new ArrayList<>(lanes.values());
        byContact.sort(Comparator.comparingLong((Lane l) -> l.lastHeard).reversed());
        return byContact.subList(0, Math.min(n, byContact.size()));
    }

    private static boolean answers(Message reply, Message sent) {
        if (reply.term() != sent.term()) {
            return reply.term() > sent.term();
        }
        if (sent instanceof AppendEntries a && reply instanceof AppendResponse r) {
            return !r.success() || r.index() >= a.prevIndex() + a.entries().size();
        }
        if (sent instanceof Heartbeat h) {
            return (reply instanceof HeartbeatResponse hr && hr.readRound() >= h.readRound())
                    || (reply instanceof AppendResponse ar && ar.readRound() >= h.readRound());
        }
        return false;
    }
}
