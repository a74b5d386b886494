package io.raftkv.replica;

import io.raftkv.raft.message.AppendEntries;
import io.raftkv.raft.message.AppendResponse;
import io.raftkv.raft.message.Heartbeat;
import io.raftkv.raft.message.HeartbeatResponse;
import io.raftkv.raft.message.Message;
import io.raftkv.raft.message.VoteRequest;
import io.raftkv.raft.message.VoteResponse;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What the simulator transport adds between the Raft core and a lossy, metered network, where every message
 * between replicas is counted and some are dropped. The core already sends new entries only to a quorum
 * (RaftConfig#quorumFanout) and heartbeats only to idle followers; on top of that:
 * <ul>
 *   <li><b>Retransmission.</b> A request that expects an answer (AppendEntries, heartbeat, vote request) and gets
 *       none within the peer's retransmission timeout is sent again while the core still wants it (same role and
 *       term): replication every timeout up to twice {@link ReplicaSettings#retransmitLimit()} times, votes
 *       with doubling waits up to that limit.
 *       Raft messages are idempotent, and on a local socket silence means a drop, not congestion; the core
 *       alone would wait for the next heartbeat round or election timeout, and an election that needs every
 *       survivor's vote would rarely get through a lossy network. The timeout adapts to the measured round
 *       trip much as TCP's does (RFC 6298's smoothed RTT and deviation, samples from echoed send times), and
 *       never exceeds {@link ReplicaSettings#retransmitNanos()}. TCP's margin of four deviations is kept while
 *       copies rarely get lost, where a retransmission that fires early is one counted message spent for
 *       nothing; once more than a tenth of first copies go unanswered, one deviation: a drop waited out then
 *       costs many clients' latency, and there is no congestion to protect.</li>
 *   <li><b>Read rounds to a quorum.</b> A ReadIndex round (thesis §6.4) is confirmed by a majority, so its
 *       heartbeats go at once only to the {@code quorum - 1} followers heard from last; the others get theirs
 *       held back until they have not been contacted for a heartbeat interval (so they still hear from the
 *       leader often enough not to start elections), and dropped if something newer goes to them first.</li>
 *   <li><b>Spare copies on a lossy network.</b> It estimates how often a round trip to a follower succeeds
 *       (the first copy of a message is answered) and from that how many followers beyond a bare majority
 *       should get each new entry, so that most entries still commit in one round trip when some copies are
 *       dropped ({@link #spareFanout}); the engine passes that on to the core.</li>
 * </ul>
 * It only delays, repeats or drops messages, as the network may anyway; the core's safety never depends on it.
 * Pure: time comes in as arguments.
 */
final class PeerOutbox {

    /** Where messages that leave go. */
    interface Wire {
        void send(Message m);
    }

    private static final long MIN_RTO_NANOS = 1_000_000;
    /** Weight of the newest sample in the round-trip success estimate (the same smoothing as RFC 6298's SRTT). */
    private static final double SUCCESS_GAIN = 1.0 / 8;
    /** The chance, wanted for each new entry, of committing without a retransmission. */
    private static final double ONE_ROUND_TRIP_TARGET = 0.75;

    private static final class Lane {
        final long peer;
        long lastHeard = Long.MIN_VALUE;
        long lastSent = Long.MIN_VALUE;
        Message awaiting;
        /** When the first copy of {@link #awaiting} went out (its send stamp); retransmissions leave it. */
        long firstSentAt;
        long awaitingSince;
        int retransmits;
        /**
         * Every copy of the last vote request went unanswered (a peer cut off or dead, or one that still hears
         * its leader): the next one goes once, not again and again, until the peer is heard from.
         */
        boolean deafToVotes;
        Heartbeat deferred;
        long srtt = -1;
        long rttvar;
        /** Before the first round-trip sample. */
        long initialRto;

        Lane(long peer, long initialRto) {
            this.peer = peer;
            this.initialRto = initialRto;
        }
    }

    private final ReplicaSettings settings;
    private final Map<Long, Lane> lanes = new LinkedHashMap<>();
    private int readFanout;
    private boolean leading;
    private long retransmissions;
    /** Smoothed fraction of first copies that were answered (judged by the echoed send stamp); all, at first. */
    private double roundTripSuccess = 1.0;

    PeerOutbox(ReplicaSettings settings, List<Long> peers, int readFanout) {
        this.settings = settings;
        this.readFanout = readFanout;
        for (long p : peers) {
            lanes.put(p, new Lane(p, settings.retransmitNanos() / 2));
        }
    }

    /** This replica leads now (read rounds go to a quorum) or not. */
    void setLeading(boolean leading) {
        this.leading = leading;
        if (!leading) {
            for (Lane l : lanes.values()) {
                l.deferred = null;
            }
        }
    }

    long retransmissions() {
        return retransmissions;
    }

    /**
     * How many followers beyond the {@code needed} ones should get a new entry at once: the fewest whose
     * chance of {@code needed} answers within one round trip, at the measured success rate of round trips, reaches
     * {@value #ONE_ROUND_TRIP_TARGET} (or every follower, if none does). With no loss that is none; at 15% loss
     * per copy (72% of round trips succeed) one of four followers; at 30% all of them.
     */
    int spareFanout(int needed) {
        int followers = lanes.size();
        for (int k = needed; k < followers; k++) {
            if (atLeast(needed, k, roundTripSuccess) >= ONE_ROUND_TRIP_TARGET) {
                return k - needed;
            }
        }
        return Math.max(0, followers - needed);
    }

    double roundTripSuccess() {
        return roundTripSuccess;
    }

    /** P(at least {@code m} successes in {@code n} independent trials of probability {@code p}). */
    static double atLeast(int m, int n, double p) {
        double sum = 0;
        for (int i = m; i <= n; i++) {
            sum += binomial(n, i) * Math.pow(p, i) * Math.pow(1 - p, n - i);
        }
        return sum;
    }

    private static double binomial(int n, int k) {
        double c = 1;
        for (int i = 1; i <= k; i++) {
            c = c * (n - k + i) / i;
        }
        return c;
    }

    private void roundTrip(boolean answered) {
        roundTripSuccess += SUCCESS_GAIN * ((answered ? 1.0 : 0.0) - roundTripSuccess);
    }

    /**
     * A message from the core. {@code periodic} is true when the core produced it on a clock tick (its
     * heartbeat round), false when it reacted to a proposal, a read or a message.
     */
    void offer(Message m, boolean periodic, long now, Wire wire) {
        Lane lane = lanes.get(m.to());
        if (lane == null) {
            wire.send(m);
            return;
        }
        if (leading && m instanceof Heartbeat h && !periodic && !fastest(readFanout).contains(lane)) {
            lane.deferred = h;
            return;
        }
        lane.deferred = null;
        lane.lastSent = now;
        boolean answerLikely = m instanceof VoteRequest ? !lane.deafToVotes
                : elapsed(now, lane.lastHeard) <= 2 * settings.heartbeatNanos();
        if (expectsAnswer(m) && answerLikely) {
            lane.awaiting = m;
            lane.firstSentAt = now;
            lane.awaitingSince = now;
            lane.retransmits = 0;
        }
        wire.send(m);
    }

    /**
     * A message from a peer; an answer stops retransmission of what it answers and measures the round trip.
     * {@code echo} is the send time of the newest leader message the follower had accepted when it answered
     * (TCP's timestamp option, RFC 7323 §4), or {@link Long#MIN_VALUE}: with it every answer is a sample,
     * retransmitted or not, so the timeout can grow out of a too-short guess; without it Karn's rule applies.
     */
    void heard(Message m, long now, long echo) {
        Lane lane = lanes.get(m.from());
        if (lane == null) {
            return;
        }
        lane.lastHeard = now;
        lane.deafToVotes = false;
        if (echo != Long.MIN_VALUE && echo <= now) {
            sampleRtt(lane, now - echo);
        }
        if (lane.awaiting != null && answers(m, lane.awaiting)) {
            if (echo == Long.MIN_VALUE && lane.retransmits == 0) {
                sampleRtt(lane, now - lane.awaitingSince);
            }
            if (!(lane.awaiting instanceof VoteRequest)) {
                // The echoed stamp tells which copy was answered: a retransmission that went out because the
                // answer was merely late is not a loss, and must not buy spare copies on a clean network.
                roundTrip(lane.retransmits == 0 || echo != Long.MIN_VALUE && echo <= lane.firstSentAt);
            }
            lane.awaiting = null;
        }
    }

    /**
     * Retransmits what went unanswered (if {@code stillWanted}) and sends held-back heartbeats that are due.
     * Entries already committed (at or below {@code committed}) are not urgent: a spare copy that went astray
     * waits until the follower has been silent for half a heartbeat interval, and is usually overtaken by the
     * leader's next message to it; but it is sent then, because the follower may have heard nothing since and
     * its election timer runs.
     */
    void tick(long now, long committed, Predicate<Message> stillWanted, Wire wire) {
        for (Lane lane : lanes.values()) {
            if (lane.awaiting != null && now - lane.awaitingSince >= backoff(lane)
                    && now >= notBefore(lane, committed)) {
                if (lane.retransmits < limit(lane.awaiting) && stillWanted.test(lane.awaiting)) {
                    lane.retransmits++;
                    retransmissions++;
                    lane.awaitingSince = now;
                    lane.lastSent = now;
                    wire.send(lane.awaiting);
                } else {
                    if (lane.awaiting instanceof VoteRequest && lane.retransmits >= limit(lane.awaiting)) {
                        lane.deafToVotes = true;
                    } else if (!(lane.awaiting instanceof VoteRequest)) {
                        roundTrip(false); // no copy answered (a vote request may go unanswered on purpose)
                    }
                    lane.awaiting = null; // silent, or stale: leave it to the core's own timers
                }
            }
            if (lane.deferred != null && elapsed(now, lane.lastSent) >= settings.heartbeatNanos()) {
                Heartbeat h = lane.deferred;
                lane.deferred = null;
                if (stillWanted.test(h)) {
                    lane.lastSent = now;
                    wire.send(h);
                }
            }
        }
    }

    /** The earliest time {@link #tick} has something to do, or {@link Long#MAX_VALUE}. */
    long nextDeadline(long committed) {
        long next = Long.MAX_VALUE;
        for (Lane lane : lanes.values()) {
            if (lane.awaiting != null) {
                next = Math.min(next, Math.max(lane.awaitingSince + backoff(lane), notBefore(lane, committed)));
            }
            if (lane.deferred != null) {
                next = Math.min(next, lane.lastSent == Long.MIN_VALUE ? Long.MIN_VALUE
                        : lane.lastSent + settings.heartbeatNanos());
            }
        }
        return next;
    }

    /** The earliest retransmission of the lane's awaited message: at once, unless its entries are committed. */
    private long notBefore(Lane lane, long committed) {
        if (lane.awaiting instanceof AppendEntries a && !a.entries().isEmpty()
                && a.prevIndex() + a.entries().size() <= committed && lane.lastHeard != Long.MIN_VALUE) {
            return lane.lastHeard + settings.heartbeatNanos() / 2;
        }
        return Long.MIN_VALUE;
    }

    /**
     * Replication to a follower that answers is retried at a steady pace: the simulator drops messages at
     * random, it does not congest, and a put that lingers uncommitted is a put whose leader may die before
     * answering it while a successor commits it anyway. A vote request backs off (RFC 6298 §5.5, doubling):
     * voters that still hear from their leader ignore it on purpose.
     */
    private long backoff(Lane lane) {
        long rto = rto(lane);
        return lane.awaiting instanceof VoteRequest ? rto << Math.min(lane.retransmits, 16) : rto;
    }

    private int limit(Message m) {
        return m instanceof VoteRequest ? settings.retransmitLimit() : 2 * settings.retransmitLimit();
    }

    /** RFC 6298 §2: SRTT and RTTVAR from round-trip samples. */
    private void sampleRtt(Lane lane, long rtt) {
        if (lane.srtt < 0) {
            lane.srtt = rtt;
            lane.rttvar = rtt / 2;
        } else {
            lane.rttvar = (3 * lane.rttvar + Math.abs(lane.srtt - rtt)) / 4;
            lane.srtt = (7 * lane.srtt + rtt) / 8;
        }
    }

    /** RFC 6298 §2's RTO = SRTT + K·RTTVAR, with K = 4 on a clean network and 1 on a lossy one; bounded. */
    private long rto(Lane lane) {
        if (lane.srtt < 0) {
            return lane.initialRto;
        }
        long deviations = roundTripSuccess >= 0.9 ? 4 : 1;
        return Math.max(MIN_RTO_NANOS, Math.min(settings.retransmitNanos(), lane.srtt + deviations * lane.rttvar));
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

    private static boolean expectsAnswer(Message m) {
        return m instanceof AppendEntries || m instanceof Heartbeat || m instanceof VoteRequest;
    }

    private static boolean answers(Message reply, Message sent) {
        if (sent instanceof VoteRequest v) {
            return reply instanceof VoteResponse r && r.preVote() == v.preVote() || reply.term() > sent.term();
        }
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
