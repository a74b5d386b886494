package io.raftkv.replica;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftkv.kv.Bytes;
import io.raftkv.kv.KeyValue;
import io.raftkv.kv.KvResult;
import io.raftkv.kv.KvStateMachine;
import io.raftkv.raft.Entry;
import io.raftkv.raft.Membership;
import io.raftkv.raft.ProposeResult;
import io.raftkv.raft.RaftNode;
import io.raftkv.raft.ReadState;
import io.raftkv.raft.Ready;
import io.raftkv.raft.RecoveredState;
import io.raftkv.raft.Role;
import io.raftkv.raft.SnapshotReader;
import io.raftkv.raft.message.AppendEntries;
import io.raftkv.raft.message.AppendResponse;
import io.raftkv.raft.message.Heartbeat;
import io.raftkv.raft.message.HeartbeatResponse;
import io.raftkv.raft.message.Message;
import io.raftkv.raft.message.VoteRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One replica of the course simulator's key-value store, as a pure, deterministic state machine: it takes
 * packets and the time, and returns the packets to send. No threads, clocks or sockets; the real transports and
 * the virtual-time runner drive it alike.
 *
 * <p>It wraps the Raft core ({@link RaftNode}) with in-memory "storage" (the simulator never restarts a
 * replica, so persisting is instant and nothing needs to be kept: the core holds its own log) and the server's
 * own key-value store ({@link KvStateMachine}), whose log commands a {@link ReplicaWriter} makes. Client
 * semantics, exactly once per MID:
 * <ul>
 *   <li>a put is proposed by the leader and answered {@code ok} by the replica that proposed it once the entry
 *       it proposed is applied, or {@code redirect} once a different entry is applied at that index (the put was
 *       lost and the client may retry it). It is never answered before its fate is known, so a retried put can
 *       never be applied twice;</li>
 *   <li>a get on the leader is answered from the applied state while the leader holds its read lease
 *       ({@link LeaderLease}, thesis §6.4.1) and has committed an entry of its term, or else after a ReadIndex
 *       round (thesis §6.4) once the applied index reaches the read index, so it never returns a stale value;</li>
 *   <li>a put the store refuses (an empty key) or one too large for a replication message is answered
 *       {@code fail} at once;</li>
 *   <li>a follower holds a request until it next hears from its leader, then redirects the client there (a
 *       redirect straight away could name a leader that just died, and the client would bounce between
 *       replicas); with no leader in sight it redirects with {@code FFFF} after
 *       {@link ReplicaSettings#maxHoldNanos()}.</li>
 * </ul>
 */
public final class ReplicaEngine {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaEngine.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Far longer than a simulator run: a replica's session only ever ends with its process. */
    private static final Duration SESSION_TTL = Duration.ofHours(1);

    private final ReplicaIds ids;
    private final long selfNode;
    private final ReplicaSettings settings;
    private final KvStateMachine store = new KvStateMachine(SESSION_TTL);
    private final ReplicaWriter writer;
    private final RaftNode node;
    private final PeerOutbox outbox;
    private final LeaderLease lease;
    /** The first index of this leader's term (its no-op): reads wait until it is committed (§8). */
    private long termStartIndex = Long.MAX_VALUE;
    private long leaseTerm = -1;
    /** Follower side of the lease: the newest send stamp accepted from {@code echoFrom} in {@code echoTerm}. */
    private long echoStamp;
    private long echoFrom = RaftNode.NONE;
    private long echoTerm = -1;

    private long startNanos = Long.MIN_VALUE;
    /** Clock ticks since the quiet start-up ended; until the first election each drives several core ticks. */
    private long clockTicks;
    private boolean leaderSeen;
    private long now;
    private List<Outbound> out = new ArrayList<>();

    private long applied;
    private long lastLeader = RaftNode.NONE;
    private long nextReadId = 1;
    private final Map<Long, ClientRequest> putsByIndex = new HashMap<>();
    private final Map<Long, Long> putTermByIndex = new HashMap<>();
    private final Map<Long, ClientRequest> readsById = new HashMap<>();
    private final TreeMap<Long, List<ClientRequest>> readsByIndex = new TreeMap<>();
    private final ArrayDeque<ClientRequest> held = new ArrayDeque<>();
    private final Set<String> seenMids = new HashSet<>();
    private final EngineCounters counters = new EngineCounters();

    public ReplicaEngine(ReplicaIds ids, ReplicaSettings settings, long seed) {
        this.ids = ids;
        this.selfNode = ReplicaIds.toNode(ids.self());
        this.settings = settings;
        this.writer = new ReplicaWriter(seed ^ 0x5DEECE66DL);
        Set<Long> voters = new TreeSet<>();
        for (String id : ids.all()) {
            voters.add(ReplicaIds.toNode(id));
        }
        this.node = RaftNode.start(settings.raftConfig(selfNode, seed),
                RecoveredState.bootstrap(Membership.ofVoters(voters)), SnapshotReader.NONE);
        List<Long> peers = new ArrayList<>();
        for (String p : ids.peers()) {
            peers.add(ReplicaIds.toNode(p));
        }
        this.outbox = new PeerOutbox(settings, peers, node.membership().quorum() - 1);
        this.lease = new LeaderLease(settings, node.membership().quorum());
    }

    public ReplicaIds ids() {
        return ids;
    }

    public EngineCounters counters() {
        return counters;
    }

    /** This replica's current belief of the leader, as the {@code leader} field carries it. */
    public String leaderName() {
        return ReplicaIds.toName(node.leader());
    }

    public Role role() {
        return node.role();
    }

    /** Handles one received packet (a peer's message or a client's request) at time {@code nowNanos}. */
    public List<Outbound> receive(byte[] packet, long nowNanos) {
        advance(nowNanos);
        JsonNode msg;
        try {
            msg = JSON.readTree(packet);
        } catch (IOException e) {
            counters.malformed++;
            LOG.warn("dropping a packet that is not JSON: {}", e.getMessage());
            return drain();
        }
        try {
            dispatch(msg);
        } catch (IllegalArgumentException e) {
            counters.malformed++;
            LOG.warn("dropping a malformed message: {}", e.getMessage());
        }
        process();
        return drain();
    }

    /** Lets time pass to {@code nowNanos}: ticks the core, retransmits, flushes batches, expires holds. */
    public List<Outbound> tick(long nowNanos) {
        advance(nowNanos);
        process();
        return drain();
    }

    /** When this engine next wants {@link #tick} called (it may be called earlier or later). */
    public long nextDeadlineNanos() {
        if (startNanos == Long.MIN_VALUE) {
            return Long.MIN_VALUE;
        }
        long next = startNanos + settings.startupQuietNanos() + (clockTicks + 1) * settings.tickNanos();
        next = Math.min(next, outbox.nextDeadline(node.commitIndex()));
        for (ClientRequest r : held) {
            next = Math.min(next, r.arrivedNanos() + settings.maxHoldNanos());
        }
        return next;
    }

    // ---------------------------------------------------------------- time

    private void advance(long nowNanos) {
        if (startNanos == Long.MIN_VALUE) {
            startNanos = nowNanos;
            now = nowNanos; // System.nanoTime() may be negative
        }
        now = Math.max(now, nowNanos);
        long quietEnd = startNanos + settings.startupQuietNanos();
        if (now >= quietEnd) {
            long due = (now - quietEnd) / settings.tickNanos();
            while (clockTicks < due) {
                clockTicks++;
                // Decided before ticking: once the first election has begun (this replica campaigned, or a term
                // was voted on) or a leader is known, core ticks follow the clock exactly. A follower the new
                // leader's quorum fanout left out then waits for the next heartbeat round instead of campaigning
                // against it, and a replica left alone does not pre-vote eight times a second for ever.
                leaderSeen |= node.leader() != RaftNode.NONE || node.term() > 0 || node.role() != Role.FOLLOWER;
                int coreTicks = leaderSeen ? 1 : settings.startupTickFactor();
                for (int i = 0; i < coreTicks; i++) {
                    node.tick();
                    periodic = true;
                    process();
                    periodic = false;
                }
            }
        }
        outbox.tick(now, node.commitIndex(), this::stillWanted, this::sendPeer);
        expireHolds();
    }

    // ---------------------------------------------------------------- input

    private void dispatch(JsonNode msg) {
        String type = requiredText(msg, "type");
        String src = requiredText(msg, "src");
        if (PeerCodec.isPeerType(type)) {
            if (!ids.isPeer(ReplicaIds.requireValid(src))) {
                throw new IllegalArgumentException("peer message from unknown replica " + src);
            }
            Message m = PeerCodec.decode(msg, ReplicaIds.toNode(src), selfNode);
            boolean answersThisLeader = node.role() == Role.LEADER && m.term() == node.term() && msg.has("le")
                    && (m instanceof AppendResponse || m instanceof HeartbeatResponse);
            outbox.heard(m, now, answersThisLeader ? msg.get("le").asLong() : Long.MIN_VALUE);
            if (answersThisLeader) {
                lease.acked(m.from(), msg.get("le").asLong());
            }
            node.step(m);
            if ((m instanceof AppendEntries || m instanceof Heartbeat) && msg.has("ls")
                    && m.from() == node.leader() && m.term() == node.term()) {
                if (echoFrom != m.from() || echoTerm != m.term()) {
                    echoFrom = m.from();
                    echoTerm = m.term();
                    echoStamp = Long.MIN_VALUE;
                }
                echoStamp = Math.max(echoStamp, msg.get("ls").asLong());
            }
            if (m.from() == node.leader() && m.term() == node.term()) {
                leaderContactNanos = now; // the leader is alive: held requests can be redirected to it
            }
            return;
        }
        if (type.equals("get") || type.equals("put")) {
            String mid = requiredText(msg, "MID");
            String key = requiredText(msg, "key");
            boolean isGet = type.equals("get");
            String value = isGet ? null : requiredText(msg, "value");
            if (!seenMids.add(mid)) {
                counters.duplicateRequests++;
                return; // a MID is answered at most once
            }
            counters.clientRequests++;
            serve(new ClientRequest(src, mid, isGet, key, value, now));
            return;
        }
        throw new IllegalArgumentException("unknown message type '" + type + "' from " + src);
    }

    private void serve(ClientRequest r) {
        if (node.role() != Role.LEADER) {
            hold(r);
            return;
        }
        if (r.isGet()) {
            if (settings.leaseReads() && node.commitIndex() >= termStartIndex && lease.holds(now)) {
                counters.leaseReads++;
                readsByIndex.computeIfAbsent(node.commitIndex(), k -> new ArrayList<>()).add(r);
                answerReads();
                return;
            }
            long id = nextReadId++;
            readsById.put(id, r);
            node.readIndex(id);
            return;
        }
        ReplicaWriter.Command put = writer.put(r.key(), r.value(), now);
        if (put.refusal() != null) {
            counters.rejected++;
            answer(r, "fail", null);
            LOG.warn("put {} refused: {}", r.mid(), put.refusal());
            return;
        }
        byte[] command = put.bytes();
        if (command.length + Entry.OVERHEAD_BYTES > settings.maxMessageBytes()) {
            counters.rejected++;
            answer(r, "fail", null);
            LOG.warn("put {} refused: {} bytes do not fit one replication message", r.mid(), command.length);
            return;
        }
        ProposeResult result = node.propose(command);
        switch (result.status()) {
            case ACCEPTED -> {
                putsByIndex.put(result.index(), r);
                putTermByIndex.put(result.index(), result.term());
            }
            case NOT_LEADER, TRANSFERRING, BACKPRESSURE -> hold(r);
            case REJECTED -> {
                counters.rejected++;
                answer(r, "fail", null);
            }
        }
    }

    private void hold(ClientRequest r) {
        held.addLast(r);
    }

    /** Redirects or serves held requests once a leader shows itself; expires holds that waited too long. */
    private void releaseHeld() {
        if (held.isEmpty()) {
            return;
        }
        if (node.role() == Role.LEADER) {
            List<ClientRequest> waiting = new ArrayList<>(held);
            held.clear();
            for (ClientRequest r : waiting) {
                serve(r);
            }
        } else if (node.leader() != RaftNode.NONE) {
            for (Iterator<ClientRequest> it = held.iterator(); it.hasNext(); ) {
                ClientRequest r = it.next();
                if (r.arrivedNanos() <= leaderContactNanos) {
                    it.remove();
                    answer(r, "redirect", null);
                }
            }
        }
    }

    private void expireHolds() {
        for (Iterator<ClientRequest> it = held.iterator(); it.hasNext(); ) {
            ClientRequest r = it.next();
            if (now - r.arrivedNanos() >= settings.maxHoldNanos()) {
                it.remove();
                counters.expiredHolds++;
                answer(r, "redirect", null);
            }
        }
    }

    // ---------------------------------------------------------------- Raft output

    /** True while processing what the core produced on a clock tick. */
    private boolean periodic;

    /** When this replica last heard from the leader it believes in (in that leader's term). */
    private long leaderContactNanos = Long.MIN_VALUE;

    private void process() {
        node.setSpareFanout(outbox.spareFanout(node.membership().quorum() - 1));
        while (node.hasReady()) {
            Ready rd = node.ready();
            for (Message m : rd.messages()) {
                routeFromCore(m);
            }
            if (rd.snapshot() != null || !rd.snapshotChunks().isEmpty()) {
                // Replica mode never compacts its log, so no leader ever streams a snapshot.
                throw new IllegalStateException("replica mode received a snapshot at index " + rd.snapshot());
            }
            // "Persisting" is instant: the simulator never restarts a replica, and the core keeps its own log.
            for (Message m : rd.messagesAfterPersist()) {
                routeFromCore(m);
            }
            node.persisted(rd);
            long last = applied;
            for (Entry e : rd.committedEntries()) {
                apply(e);
                last = e.index();
            }
            if (last > applied) {
                applied = last;
                node.applied(applied);
            }
            for (ReadState rs : rd.readStates()) {
                readResolved(rs);
            }
            answerReads();
        }
        observeLeadership();
    }

    private void routeFromCore(Message m) {
        outbox.offer(m, periodic, now, this::sendPeer);
    }

    /** Whether the core would still send {@code m} (same role and term): only then is it retransmitted. */
    private boolean stillWanted(Message m) {
        if (m instanceof VoteRequest v) {
            return v.preVote() ? node.role() == Role.PRE_CANDIDATE && v.term() == node.term() + 1
                    : node.role() == Role.CANDIDATE && v.term() == node.term();
        }
        return node.role() == Role.LEADER && m.term() == node.term();
    }

    private void observeLeadership() {
        long leader = node.leader();
        boolean leading = node.role() == Role.LEADER;
        outbox.setLeading(leading);
        if (leading && leaseTerm != node.term()) {
            leaseTerm = node.term();
            lease.reset();
            termStartIndex = node.lastIndex(); // the no-op a new leader appends first
        } else if (!leading && leaseTerm != -1) {
            leaseTerm = -1;
            lease.reset();
            termStartIndex = Long.MAX_VALUE;
        }
        if (leader != lastLeader) {
            lastLeader = leader;
            leaderContactNanos = Long.MIN_VALUE;
        }
        releaseHeld();
    }

    private void apply(Entry e) {
        KvResult result = store.apply(e);
        ClientRequest put = putsByIndex.remove(e.index());
        if (put != null) {
            long term = putTermByIndex.remove(e.index());
            if (term == e.term() && result.succeeded()) {
                answer(put, "ok", null);
            } else if (term == e.term()) {
                // Checked before proposing, so only a broken session gets here; the client may try again.
                counters.rejected++;
                LOG.warn("put {} at index {} not applied: {} {}", put.mid(), e.index(), result.code(), result.detail());
                answer(put, "fail", null);
            } else {
                counters.lostPuts++;
                answer(put, "redirect", null);
            }
        }
    }

    private void readResolved(ReadState rs) {
        ClientRequest r = readsById.remove(rs.requestId());
        if (r == null) {
            return;
        }
        if (rs.status() == ReadState.Status.OK) {
            readsByIndex.computeIfAbsent(rs.index(), k -> new ArrayList<>()).add(r);
        } else {
            hold(r);
        }
    }

    private void answerReads() {
        while (!readsByIndex.isEmpty() && readsByIndex.firstKey() <= applied) {
            for (ClientRequest r : readsByIndex.pollFirstEntry().getValue()) {
                answer(r, "ok", valueOf(r.key()));
            }
        }
    }

    /** The applied value of {@code key}; the empty string for a key never written, as the protocol wants. */
    private String valueOf(String key) {
        return store.get(Bytes.utf8(key)).map(KeyValue::value).map(Bytes::toStringUtf8).orElse("");
    }

    // ---------------------------------------------------------------- output

    private void sendPeer(Message m) {
        ObjectNode o = envelope(ReplicaIds.toName(m.to()));
        PeerCodec.encode(m, o);
        // Send stamps and their echoes time the round trip for retransmission and prove the read lease.
        if ((m instanceof AppendEntries || m instanceof Heartbeat) && node.role() == Role.LEADER
                && m.term() == node.term()) {
            o.put("ls", now);
        } else if ((m instanceof AppendResponse || m instanceof HeartbeatResponse) && m.to() == echoFrom
                && m.term() == echoTerm) {
            o.put("le", echoStamp);
        }
        emit(o, true);
    }

    private void answer(ClientRequest r, String type, String value) {
        ObjectNode o = envelope(r.client());
        o.put("type", type).put("MID", r.mid());
        if (value != null) {
            o.put("value", value);
        }
        switch (type) {
            case "ok" -> counters.ok++;
            case "redirect" -> counters.redirects++;
            default -> counters.fails++;
        }
        emit(o, false);
    }

    private ObjectNode envelope(String dst) {
        ObjectNode o = JSON.createObjectNode();
        o.put("src", ids.self()).put("dst", dst).put("leader", leaderName());
        return o;
    }

    private void emit(ObjectNode o, boolean toPeer) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + o, e);
        }
        if (bytes.length > ReplicaSettings.PACKET_LIMIT) {
            // The simulator would truncate it and count an incorrect message; a lost message is safe for Raft.
            counters.oversized++;
            LOG.error("dropping a {}-byte {} message: over the {}-byte limit", bytes.length, o.get("type"),
                    ReplicaSettings.PACKET_LIMIT);
            return;
        }
        if (toPeer) {
            counters.peerMessages++;
        }
        out.add(new Outbound(o.get("dst").asText(), toPeer, bytes));
    }

    private List<Outbound> drain() {
        List<Outbound> result = out;
        out = new ArrayList<>();
        return result;
    }

    private static String requiredText(JsonNode msg, String field) {
        JsonNode v = msg.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("missing or non-text field '" + field + "'");
        }
        return v.asText();
    }
}
