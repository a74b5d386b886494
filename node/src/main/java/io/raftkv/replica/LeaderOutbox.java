package io.raftkv.replica;

import io.raftkv.raft.Entry;
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
 * Decides when a leader's replication messages leave, to spend as few messages as the simulator counts.
 * A commit needs acknowledgements from a majority only, so new entries go at once to the {@code quorum - 1}
 * followers that answer best (the fast lane); the others (slow lane) get what the core sent them merged into
 * one AppendEntries at most every {@link ReplicaSettings#slowLaneNanos()}. Idle heartbeats to a fast-lane
 * follower that was contacted recently are dropped unless they carry a new read round (ReadIndex, thesis
 * §6.4). A fast-lane message that gets no answer is sent again after {@link ReplicaSettings#retransmitNanos()}
 * (Raft messages are idempotent), and a follower that stays silent is swapped for the slow-lane follower heard
 * from last.
 *
 * <p>This only delays, merges, repeats or drops messages, which an unreliable network may do anyway, so the
 * core's safety does not depend on it. Pure: time comes in as arguments.
 */
final class LeaderOutbox {

    /** Where messages that leave go. */
    interface Wire {
        void send(Message m);
    }

    private static final class Lane {
        final long follower;
        boolean fast;
        long lastHeard = Long.MIN_VALUE;
        long lastSent = Long.MIN_VALUE;
        long lastReadRound;
        Message awaiting;
        long awaitingSince;
        int retransmits;
        final List<Message> pending = new ArrayList<>();
        long lastFlush = Long.MIN_VALUE;
        int silentFlushes;

        Lane(long follower) {
            this.follower = follower;
        }
    }

    private final ReplicaSettings settings;
    private final Map<Long, Lane> lanes = new LinkedHashMap<>();
    private int fastLaneSize;
    private boolean active;
    private long retransmissions;

    LeaderOutbox(ReplicaSettings settings) {
        this.settings = settings;
    }

    /** Starts a term as leader: the fast lane is the {@code fastLaneSize} followers heard from last. */
    void activate(List<Long> followers, int fastLaneSize, long now) {
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
        this.fastLaneSize = Math.min(fastLaneSize, followers.size());
        List<Lane> byContact = new ArrayList<>(lanes.values());
        byContact.sort(Comparator.comparingLong((Lane l) -> l.lastHeard).reversed());
        for (int i = 0; i < this.fastLaneSize; i++) {
            byContact.get(i).fast = true;
        }
        active = true;
    }

    /** Leaves leadership: whatever is still held back is stale now. */
    void deactivate() {
        active = false;
        for (Lane l : lanes.values()) {
            l.pending.clear();
            l.awaiting = null;
            l.fast = false;
        }
    }

    boolean isActive() {
        return active;
    }

    long retransmissions() {
        return retransmissions;
    }

    /** A message from the core to a follower. */
    void offer(Message m, long now, Wire wire) {
        Lane lane = active ? lanes.get(m.to()) : null;
        if (lane == null || !(m instanceof AppendEntries || m instanceof Heartbeat)) {
            wire.send(m);
            return;
        }
        if (lane.fast) {
            if (m instanceof Heartbeat h && h.readRound() <= lane.lastReadRound && lane.awaiting == null
                    && now - lane.lastSent < settings.heartbeatNanos() && now - lane.lastHeard < settings.heartbeatNanos()) {
                return; // an idle heartbeat to a follower we just talked to: it has nothing to learn
            }
            sendTracked(lane, m, now, wire);
        } else {
            merge(lane.pending, m);
        }
    }

    /** A message from a follower; an answer stops retransmission of what it answers. */
    void heard(Message m, long now) {
        Lane lane = lanes.get(m.from());
        if (lane == null) {
            return;
        }
        lane.lastHeard = now;
        lane.silentFlushes = 0;
        if (lane.awaiting != null && answers(m, lane.awaiting)) {
            lane.awaiting = null;
            lane.retransmits = 0;
        }
    }

    /** Retransmits, swaps silent fast-lane followers, and flushes the slow lane when due. */
    void tick(long now, Wire wire) {
        if (!active) {
            return;
        }
        for (Lane lane : lanes.values()) {
            if (!lane.fast || lane.awaiting == null || now - lane.awaitingSince < settings.retransmitNanos()) {
                continue;
            }
            if (lane.retransmits < settings.retransmitLimit()) {
                lane.retransmits++;
                retransmissions++;
                lane.awaitingSince = now;
                lane.lastSent = now;
                wire.send(lane.awaiting);
            } else {
                demote(lane, now, wire);
            }
        }
        for (Lane lane : lanes.values()) {
            if (!lane.fast && !lane.pending.isEmpty() && now - lane.lastFlush >= slowInterval(lane)) {
                flush(lane, now, wire);
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
            if (lane.fast && lane.awaiting != null) {
                next = Math.min(next, lane.awaitingSince + settings.retransmitNanos());
            } else if (!lane.fast && !lane.pending.isEmpty()) {
                next = Math.min(next, lane.lastFlush == Long.MIN_VALUE ? Long.MIN_VALUE : lane.lastFlush + slowInterval(lane));
            }
        }
        return next;
    }

    /** A follower that does not answer its batches is probed less and less often (it may be dead). */
    private long slowInterval(Lane lane) {
        return settings.slowLaneNanos() << Math.min(lane.silentFlushes, 3);
    }

    private void demote(Lane silent, long now, Wire wire) {
        Lane best = null;
        for (Lane l : lanes.values()) {
            if (!l.fast && (best == null || l.lastHeard > best.lastHeard)) {
                best = l;
            }
        }
        if (best == null) {
            // Every follower is in the fast lane (a small cluster): keep probing at the slow-lane pace.
            silent.retransmits = 0;
            silent.awaitingSince = now + settings.slowLaneNanos();
            return;
        }
        silent.fast = false;
        silent.pending.add(0, silent.awaiting);
        silent.awaiting = null;
        silent.retransmits = 0;
        silent.lastFlush = now;
        silent.silentFlushes = 1;
        best.fast = true;
        List<Message> batch = new ArrayList<>(best.pending);
        best.pending.clear();
        for (Message m : batch) {
            sendTracked(best, m, now, wire);
        }
    }

    private void flush(Lane lane, long now, Wire wire) {
        if (lane.lastHeard < lane.lastFlush) {
            lane.silentFlushes++;
        }
        lane.lastFlush = now;
        for (Message m : lane.pending) {
            if (m instanceof Heartbeat h) {
                lane.lastReadRound = Math.max(lane.lastReadRound, h.readRound());
            }
            wire.send(m);
        }
        lane.lastSent = now;
        lane.pending.clear();
    }

    private void sendTracked(Lane lane, Message m, long now, Wire wire) {
        lane.lastSent = now;
        if (m instanceof Heartbeat h) {
            lane.lastReadRound = Math.max(lane.lastReadRound, h.readRound());
        } else if (m instanceof AppendEntries a) {
            lane.lastReadRound = Math.max(lane.lastReadRound, a.readRound());
        }
        lane.awaiting = m;
        lane.awaitingSince = now;
        lane.retransmits = 0;
        wire.send(m);
    }

    private static boolean answers(Message reply, Message sent) {
        if (reply.term() != sent.term()) {
            return reply.term() > sent.term();
        }
        if (sent instanceof AppendEntries a && reply instanceof AppendResponse r) {
            return !r.success() || r.index() >= lastIndex(a);
        }
        if (sent instanceof Heartbeat h) {
            return (reply instanceof HeartbeatResponse hr && hr.readRound() >= h.readRound())
                    || (reply instanceof AppendResponse ar && ar.readRound() >= h.readRound());
        }
        return false;
    }

    private static long lastIndex(AppendEntries a) {
        return a.prevIndex() + a.entries().size();
    }

    /**
     * Adds {@code m} to a slow-lane queue: an AppendEntries that continues the previous one is merged into it,
     * and a heartbeat only refreshes the commit index and read round of what is queued.
     */
    private void merge(List<Message> pending, Message m) {
        Message last = pending.isEmpty() ? null : pending.get(pending.size() - 1);
        if (m instanceof Heartbeat h) {
            if (last instanceof AppendEntries a && a.term() == h.term()) {
                pending.set(pending.size() - 1, new AppendEntries(a.from(), a.to(), a.term(), a.prevIndex(),
                        a.prevTerm(), a.entries(), Math.max(a.commit(), h.commit()),
                        Math.max(a.readRound(), h.readRound())));
            } else if (last instanceof Heartbeat) {
                pending.set(pending.size() - 1, h);
            } else {
                pending.add(h);
            }
            return;
        }
        AppendEntries a = (AppendEntries) m;
        if (last instanceof Heartbeat h && pending.size() == 1 && h.term() == a.term()) {
            pending.set(0, withRound(a, h.readRound()));
            return;
        }
        if (last instanceof AppendEntries p && p.term() == a.term() && lastIndex(p) == a.prevIndex()
                && bytes(p) + bytes(a) <= settings.maxMessageBytes()) {
            List<Entry> entries = new ArrayList<>(p.entries());
            entries.addAll(a.entries());
            pending.set(pending.size() - 1, new AppendEntries(p.from(), p.to(), p.term(), p.prevIndex(), p.prevTerm(),
                    entries, Math.max(p.commit(), a.commit()), Math.max(p.readRound(), a.readRound())));
            return;
        }
        pending.add(a);
    }

    private static AppendEntries withRound(AppendEntries a, long round) {
        return new AppendEntries(a.from(), a.to(), a.term(), a.prevIndex(), a.prevTerm(), a.entries(), a.commit(),
                Math.max(a.readRound(), round));
    }

    private static int bytes(AppendEntries a) {
        int n = 0;
        for (Entry e : a.entries()) {
            n += e.sizeBytes();
        }
        return n;
    }
}
