package io.raftkv.raft;

import io.raftkv.raft.message.AppendEntries;
import io.raftkv.raft.message.AppendResponse;
import io.raftkv.raft.message.Heartbeat;
import io.raftkv.raft.message.HeartbeatResponse;
import io.raftkv.raft.message.InstallSnapshot;
import io.raftkv.raft.message.Message;
import io.raftkv.raft.message.ReadIndexRequest;
import io.raftkv.raft.message.ReadIndexResponse;
import io.raftkv.raft.message.SnapshotResponse;
import io.raftkv.raft.message.TimeoutNow;
import io.raftkv.raft.message.VoteRequest;
import io.raftkv.raft.message.VoteResponse;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * One Raft peer as a deterministic state machine. It does no I/O and reads no clock: the caller feeds it
 * {@link #tick() ticks}, {@link #step(Message) peer messages}, proposals and read requests, and collects the
 * resulting work with {@link #ready()} (see {@link Ready} for the contract). Randomness comes only from
 * {@link RaftConfig#seed()}. Not thread-safe: one thread owns a node.
 *
 * <p>Section references are to the Raft paper (Ongaro and Ousterhout, 2014) unless they say "thesis"
 * (Ongaro's dissertation, 2014).
 */
public final class RaftNode {
    /** "No node": no vote cast, no leader known. */
    public static final long NONE = 0;

    private static final long MAX_APPLY_BYTES_PER_READY = 64L << 20;
    /** Heartbeat ticks without an answer before a snapshot chunk is sent again. */
    private static final int SNAPSHOT_RESEND_HEARTBEATS = 3;

    private final RaftConfig cfg;
    private final long id;
    private final SnapshotReader snapshots;
    private final MessageValidator validator;
    private final SplittableRandom random;
    private final RaftLog log;

    // Persistent state (Figure 2) and what of it is known durable.
    private long term;
    private long vote;
    private HardState lastHardState;
    private HardState durableHardState;

    private Role role = Role.FOLLOWER;
    private long leader = NONE;
    private int electionElapsed;
    private int heartbeatElapsed;
    private int randomizedElectionTimeout;

    /** Membership entries in the log by index; the last one is in force (thesis §4.1: effective when appended). */
    private final TreeMap<Long, Membership> configs = new TreeMap<>();
    private Membership membership;
    private SnapshotMeta latestSnapshot;
    private long applied;

    // Leader state.
    private final Map<Long, Progress> progress = new HashMap<>();
    private ReadIndexTracker reads = new ReadIndexTracker();
    private long uncommittedBytes;
    private long leadTransferee = NONE;
    private int transferElapsed;
    private boolean appendsPending;
    private boolean commitNewsPending;
    /** A new leader's first entries go to every follower, whatever the fanout. */
    private boolean announcing;
    /** Voters beyond a bare majority that get new entries at once under quorum fanout ({@link #setSpareFanout}). */
    private int spareFanout;
    private long ackSeq;

    // Candidate state: who granted (true) or refused (false) our (pre-)vote.
    private final Map<Long, Boolean> votes = new HashMap<>();

    // Follower state.
    private final SnapshotReceiver receiver = new SnapshotReceiver();

    // Output collected for the next Ready.
    private List<Message> messages = new ArrayList<>();
    private List<Message> messagesAfterPersist = new ArrayList<>();
    private List<InstallSnapshot> snapshotChunks = new ArrayList<>();
    private SnapshotMeta installedSnapshot;
    private List<ReadState> readStates = new ArrayList<>();

    private long droppedMessages;

    private RaftNode(RaftConfig cfg, RecoveredState state, SnapshotReader snapshots) {
        this.cfg = cfg;
        this.id = cfg.id();
        this.snapshots = snapshots;
        this.validator = new MessageValidator(cfg.id(), cfg.maxIncomingEntryBytes());
        this.random = new SplittableRandom(cfg.seed());
        SnapshotMeta snap = state.snapshot();
        this.log = new RaftLog(snap.index(), snap.term(), state.entries(), state.hardState().commit());
        this.term = state.hardState().term();
        this.vote = state.hardState().vote();
        this.lastHardState = state.hardState();
        this.durableHardState = state.hardState();
        this.latestSnapshot = snap.index() > 0 ? snap : null;
        this.applied = snap.index();
        configs.put(snap.index(), snap.membership());
        for (Entry e : state.entries()) {
            if (e.type() == EntryType.MEMBERSHIP) {
                configs.put(e.index(), Membership.decode(e.data()));
            }
        }
        this.membership = configs.lastEntry().getValue();
        resetElectionTimeout();
    }

    /** Starts a node from what its storage recovered (or {@link RecoveredState#bootstrap}/{@code joining()}). */
    public static RaftNode start(RaftConfig config, RecoveredState state, SnapshotReader snapshots) {
        return new RaftNode(config, state, snapshots);
    }

    // ------------------------------------------------------------------------------------------ inputs

    /** Advances logical time by one tick. */
    public void tick() {
        if (role == Role.LEADER) {
            tickLeader();
        } else {
            tickElection();
        }
    }

    /** Feeds one message from a peer. Invalid or stale messages are dropped (and counted) without effect. */
    public void step(Message m) {
        if (!validator.isWellFormed(m, membership, leader)) {
            droppedMessages++;
            return;
        }
        if (m.term() > term) {
            if (!adoptHigherTerm(m)) {
                return;
            }
        } else if (m.term() < term) {
            answerStaleTerm(m);
            return;
        }
        if (m instanceof VoteRequest r) {
            handleVoteRequest(r);
        } else if (m instanceof VoteResponse r) {
            handleVoteResponse(r);
        } else if (m instanceof AppendEntries a) {
            if (acceptLeaderMessage(m)) {
                handleAppendEntries(a);
            }
        } else if (m instanceof Heartbeat h) {
            if (acceptLeaderMessage(m)) {
                handleHeartbeat(h);
            }
        } else if (m instanceof InstallSnapshot s) {
            if (acceptLeaderMessage(m)) {
                handleInstallSnapshot(s);
            }
        } else if (m instanceof AppendResponse r) {
            handleAppendResponse(r);
        } else if (m instanceof HeartbeatResponse r) {
            handleHeartbeatResponse(r);
        } else if (m instanceof SnapshotResponse r) {
            handleSnapshotResponse(r);
        } else if (m instanceof TimeoutNow t) {
            handleTimeoutNow(t);
        } else if (m instanceof ReadIndexRequest r) {
            handleReadIndexRequest(r);
        } else if (m instanceof ReadIndexResponse r) {
            readStates.add(new ReadState(r.requestId(), r.index(),
                    r.ok() ? ReadState.Status.OK : ReadState.Status.NOT_LEADER, leader));
        }
    }

    /** Proposes an application command. Only the leader accepts; see {@link ProposeResult}. */
    public ProposeResult propose(byte[] command) {
        ProposeResult refusal = refuseProposal();
        if (refusal != null) {
            return refusal;
        }
        int size = command.length + Entry.OVERHEAD_BYTES;
        if (size > cfg.maxMessageBytes()) {
            return ProposeResult.refused(ProposeResult.Status.REJECTED, leader,
                    "command of " + command.length + " bytes exceeds the message limit of " + cfg.maxMessageBytes());
        }
        if (uncommittedBytes > 0 && uncommittedBytes + size > cfg.maxUncommittedBytes()) {
            return ProposeResult.refused(ProposeResult.Status.BACKPRESSURE, leader,
                    "too many uncommitted bytes (" + uncommittedBytes + ")");
        }
        Entry e = Entry.normal(log.lastIndex() + 1, term, command);
        appendAsLeader(e);
        uncommittedBytes += size;
        return ProposeResult.accepted(e.index(), e.term(), id);
    }

    /**
     * Proposes one membership change. Refused while another change is uncommitted (one at a time, thesis
     * §4.1) and until the leader has committed an entry of its own term (the fix to single-server changes
     * described on raft-dev in 2015: otherwise two leaders could commit changes from different bases).
     */
    public ProposeResult proposeMembership(MembershipChange change) {
        ProposeResult refusal = refuseProposal();
        if (refusal != null) {
            return refusal;
        }
        if (!committedInCurrentTerm()) {
            return ProposeResult.refused(ProposeResult.Status.REJECTED, leader,
                    "the leader has not yet committed an entry in its term; retry shortly");
        }
        if (configs.lastKey() > log.committed()) {
            return ProposeResult.refused(ProposeResult.Status.REJECTED, leader,
                    "another membership change is still uncommitted");
        }
        if (change.kind() == MembershipChange.Kind.PROMOTE) {
            Progress pr = progress.get(change.nodeId());
            if (pr != null && pr.match < log.committed()) {
                // A voter that lags adds to the quorum without helping it: with one more node down the
                // cluster could stall (thesis §4.2.1). Promote once it has caught up.
                return ProposeResult.refused(ProposeResult.Status.REJECTED, leader, "learner " + change.nodeId()
                        + " has not caught up yet (match " + pr.match + " < commit " + log.committed() + ")");
            }
        }
        Membership next;
        try {
            next = membership.apply(change);
        } catch (IllegalArgumentException e) {
            return ProposeResult.refused(ProposeResult.Status.REJECTED, leader, e.getMessage());
        }
        Entry e = new Entry(log.lastIndex() + 1, term, EntryType.MEMBERSHIP, next.encode());
        appendAsLeader(e);
        return ProposeResult.accepted(e.index(), e.term(), id);
    }

    /**
     * Asks for a linearizable read (thesis §6.4). The answer arrives as a {@link ReadState} with the same
     * {@code requestId} in a later {@link Ready}; a follower asks its leader. Use a fresh id per attempt.
     */
    public void readIndex(long requestId) {
        if (role == Role.LEADER) {
            reads.add(requestId, id, log.committed(), committedInCurrentTerm());
        } else if (leader != NONE) {
            messages.add(new ReadIndexRequest(id, leader, term, requestId));
        } else {
            readStates.add(new ReadState(requestId, 0, ReadState.Status.NOT_LEADER, NONE));
        }
    }

    /**
     * Hands leadership to {@code target} (thesis §3.10): stop taking proposals, bring the target up to date,
     * then tell it to campaign at once. Aborted if it does not happen within an election timeout.
     */
    public TransferResult transferLeadership(long target) {
        if (role != Role.LEADER) {
            return TransferResult.NOT_LEADER;
        }
        if (target == id) {
            return TransferResult.ALREADY_LEADER;
        }
        if (!membership.isVoter(target)) {
            return TransferResult.NOT_A_VOTER;
        }
        Progress pr = progress.get(target);
        if (pr == null || (pr.state != Progress.State.REPLICATE && pr.match != log.lastIndex())) {
            return TransferResult.TARGET_NOT_CAUGHT_UP;
        }
        leadTransferee = target;
        transferElapsed = 0;
        if (pr.match == log.lastIndex()) {
            messages.add(new TimeoutNow(id, target, term));
        } else {
            sendAppend(target, pr, false);
        }
        return TransferResult.STARTED;
    }

    /**
     * Gives up leadership at once, e.g. because this node's disk failed and it can no longer persist: the most
     * up-to-date voter is told to campaign (TimeoutNow) so the cluster does not wait an election timeout.
     * A follower is unaffected. Returns whether this node was the leader.
     */
    public boolean stepDown() {
        if (role != Role.LEADER) {
            return false;
        }
        handOffAndStepDown();
        return true;
    }

    /**
     * With {@link RaftConfig#quorumFanout()}: new entries go at once to {@code spare} more voters than a bare
     * majority needs (0 by default; more than there are voters means all of them). On a lossy network one
     * spare copy lets an entry commit in one round trip despite a dropped message, instead of waiting for a
     * retransmission. Only timing and message counts depend on it, never safety; any node may be told, only a
     * leader uses it.
     */
    public void setSpareFanout(int spare) {
        if (spare < 0) {
            throw new IllegalArgumentException("spare fanout must be >= 0, got " + spare);
        }
        this.spareFanout = spare;
    }

    /**
     * Reports that everything {@code ready} asked to persist is durable (and everything before it).
     * The node's own log entries count toward commitment only from now on (thesis §10.2.1), and a candidate's
     * vote for itself only once durable.
     */
    public void persisted(Ready ready) {
        if (ready.hardState() != null) {
            durableHardState = ready.hardState();
        }
        Entry last = ready.lastEntry();
        if (last != null) {
            log.stableTo(last.index(), last.term());
        }
        if (role == Role.LEADER) {
            maybeCommit();
        } else if (role == Role.CANDIDATE) {
            countVotes();
        }
    }

    /** Reports that the state machine has applied every entry through {@code index}. */
    public void applied(long index) {
        if (index > log.applying()) {
            throw new IllegalArgumentException("applied " + index + " but only " + log.applying() + " was handed out");
        }
        applied = Math.max(applied, index);
    }

    /**
     * The metadata a snapshot of the state machine at {@code index} (at most the applied index) must carry:
     * the entry's term and the membership in force there.
     */
    public SnapshotMeta snapshotMetaFor(long index) {
        if (index > applied || index < log.offset()) {
            throw new IllegalArgumentException("no snapshot possible at " + index + ": applied " + applied
                    + ", log starts after " + log.offset());
        }
        return new SnapshotMeta(index, log.term(index), configs.floorEntry(index).getValue(), 0);
    }

    /**
     * The caller saved a durable snapshot described by {@code meta} (from {@link #snapshotMetaFor} with its
     * size filled in). The log is compacted up to {@code meta.index() - retainEntries}: keeping a tail lets a
     * briefly lagging follower catch up from the log instead of needing the whole snapshot.
     */
    public void compact(SnapshotMeta meta, long retainEntries) {
        if (meta.index() > applied) {
            throw new IllegalArgumentException("snapshot at " + meta.index() + " is beyond applied index " + applied);
        }
        if (latestSnapshot == null || meta.index() > latestSnapshot.index()) {
            latestSnapshot = meta;
        }
        long to = Math.max(log.offset(), meta.index() - Math.max(0, retainEntries));
        if (to > log.offset() && log.term(to) != RaftLog.UNKNOWN) {
            log.compactTo(to);
            Long floor = configs.floorKey(to);
            configs.headMap(floor, false).clear();
        }
    }

    // ------------------------------------------------------------------------------------------ output

    /** True if {@link #ready()} has work. */
    public boolean hasReady() {
        flushLeaderSends();
        return !currentHardState().equals(lastHardState) || log.hasUnstable() || !snapshotChunks.isEmpty()
                || installedSnapshot != null || log.hasCommittedToApply() || !messages.isEmpty()
                || !messagesAfterPersist.isEmpty() || !readStates.isEmpty();
    }

    /** Collects all pending work; see {@link Ready} for what the caller must do with it. */
    public Ready ready() {
        flushLeaderSends();
        HardState hs = currentHardState();
        HardState hsOut = hs.equals(lastHardState) ? null : hs;
        lastHardState = hs;
        Ready r = new Ready(hsOut, handOut(snapshotChunks), installedSnapshot, log.takeUnstable(), handOut(messages),
                handOut(messagesAfterPersist), log.takeCommitted(MAX_APPLY_BYTES_PER_READY), handOut(readStates));
        snapshotChunks = new ArrayList<>();
        installedSnapshot = null;
        messages = new ArrayList<>();
        messagesAfterPersist = new ArrayList<>();
        readStates = new ArrayList<>();
        return r;
    }

    /** A Ready never changes after it was handed out: the node keeps no reference to the lists it gives away. */
    private static <T> List<T> handOut(List<T> pending) {
        return pending.isEmpty() ? List.of() : Collections.unmodifiableList(pending);
    }

    // ------------------------------------------------------------------------------------------ queries

    public long id() {
        return id;
    }

    public Role role() {
        return role;
    }

    public long term() {
        return term;
    }

    public long leader() {
        return leader;
    }

    public long commitIndex() {
        return log.committed();
    }

    public long lastIndex() {
        return log.lastIndex();
    }

    /** The membership in force (the latest in the log, committed or not). */
    public Membership membership() {
        return membership;
    }

    /** Messages dropped as malformed, from unknown senders, or from stale terms. */
    public long droppedMessages() {
        return droppedMessages;
    }

    /** The term of the entry at {@code index}, or -1 if it is compacted or absent (for tests and tools). */
    public long termAt(long index) {
        return log.term(index);
    }

    /** The entry at {@code index} if the log holds it, else null (for tests and tools). */
    public Entry entryAt(long index) {
        return index > log.offset() && index <= log.lastIndex() ? log.entry(index) : null;
    }

    /** First index still held in the log (after the compaction point). */
    public long firstIndex() {
        return log.firstIndex();
    }

    public NodeStatus status() {
        Map<Long, NodeStatus.PeerProgress> peers = new TreeMap<>();
        if (role == Role.LEADER) {
            for (Map.Entry<Long, Progress> e : progress.entrySet()) {
                Progress p = e.getValue();
                peers.put(e.getKey(), new NodeStatus.PeerProgress(p.match, p.next, p.state.name(), p.recentActive));
            }
            peers.put(id, new NodeStatus.PeerProgress(log.stableIndex(), log.lastIndex() + 1, "SELF", true));
        }
        return new NodeStatus(id, role, term, leader, log.committed(), applied, log.lastIndex(), log.stableIndex(),
                membership, configs.lastKey() <= log.committed(), Collections.unmodifiableMap(peers));
    }

    // ------------------------------------------------------------------------------------------ time

    private void tickElection() {
        electionElapsed++;
        if (electionElapsed >= randomizedElectionTimeout && promotable()) {
            electionElapsed = 0;
            campaign(false);
        }
    }

    private void tickLeader() {
        heartbeatElapsed++;
        electionElapsed++;
        if (electionElapsed >= cfg.electionTicks()) {
            electionElapsed = 0;
            // CheckQuorum (thesis §6.2): a leader that heard from no majority for an election timeout steps
            // down, so clients find the real leader and reads on a stale leader stop.
            if (cfg.checkQuorum() && !quorumRecentlyActive()) {
                becomeFollower(term, NONE);
                return;
            }
            for (Progress p : progress.values()) {
                p.recentActive = false;
            }
        }
        if (leadTransferee != NONE && ++transferElapsed >= cfg.electionTicks()) {
            leadTransferee = NONE;
        }
        boolean round = heartbeatElapsed >= cfg.heartbeatTicks();
        if (round) {
            heartbeatElapsed = 0;
        }
        keepFollowersInContact(round);
    }

    /**
     * Every tick: a follower that was sent nothing for a heartbeat interval gets its missing entries (the lazily
     * replicated ones in quorum-fanout mode catch up here) or a heartbeat (§5.2). So an active follower costs no
     * extra messages, and none goes longer than one interval without hearing from its leader, however its last
     * contact fell between rounds. Once per interval (a round), a paused follower is asked again even if it was
     * sent something lately (its probe may be lost), and a stalled snapshot transfer is resumed.
     */
    private void keepFollowersInContact(boolean round) {
        for (Map.Entry<Long, Progress> e : progress.entrySet()) {
            long peer = e.getKey();
            Progress pr = e.getValue();
            if (pr.ticksSinceSent < Integer.MAX_VALUE) {
                pr.ticksSinceSent++;
            }
            boolean due = pr.ticksSinceSent >= cfg.heartbeatTicks();
            if (pr.state == Progress.State.SNAPSHOT) {
                if (round && pr.snapshotChunkInFlight && ++pr.snapshotIdleHeartbeats >= SNAPSHOT_RESEND_HEARTBEATS) {
                    sendSnapshotChunk(peer, pr);
                } else if (due) {
                    sendHeartbeat(peer, pr);
                }
            } else if (due) {
                if (!(pr.match < log.lastIndex() && sendAppend(peer, pr, false))) {
                    sendHeartbeat(peer, pr);
                }
            } else if (round && pr.isPaused()) {
                sendHeartbeat(peer, pr);
            }
        }
    }

    private void resetElectionTimeout() {
        randomizedElectionTimeout = cfg.electionTicks() + random.nextInt(cfg.electionTicks());
    }

    // ------------------------------------------------------------------------------------------ roles

    /**
     * Whether this node may campaign: it is a voter in its latest configuration, or that configuration
     * removes it but is not committed yet and it was a voter before. The second case is a leader that removed
     * itself and crashed before the change reached a majority (thesis §4.2.2: it keeps managing the cluster
     * until the change commits): without it, a two-voter cluster {L, F} would wait forever, F needing L's
     * vote and L refusing it for having the newer log. Votes are still counted in the latest configuration.
     */
    private boolean promotable() {
        if (membership.isVoter(id)) {
            return true;
        }
        long latest = configs.lastKey();
        if (latest <= log.committed()) {
            return false;
        }
        Map.Entry<Long, Membership> previous = configs.lowerEntry(latest);
        return previous != null && previous.getValue().isVoter(id);
    }

    private void becomeFollower(long newTerm, long newLeader) {
        if (role == Role.LEADER) {
            stepDownAsLeader();
        }
        if (newTerm > term) {
            term = newTerm;
            vote = NONE;
        }
        role = Role.FOLLOWER;
        leader = newLeader;
        electionElapsed = 0;
        heartbeatElapsed = 0;
        votes.clear();
        resetElectionTimeout();
    }

    private void stepDownAsLeader() {
        for (long[] r : reads.drainAll()) {
            if (r[1] == id) {
                readStates.add(new ReadState(r[0], 0, ReadState.Status.NOT_LEADER, NONE));
            } else {
                messages.add(new ReadIndexResponse(id, r[1], term, r[0], 0, false));
            }
        }
        reads = new ReadIndexTracker();
        progress.clear();
        leadTransferee = NONE;
        uncommittedBytes = 0;
        appendsPending = false;
        commitNewsPending = false;
    }

    private void campaign(boolean transfer) {
        if (cfg.preVote() && !transfer) {
            // PreVote (thesis §9.6): ask first whether we could win, without raising anyone's term, so a node
            // that was cut off cannot disrupt a healthy cluster when it returns.
            role = Role.PRE_CANDIDATE;
            leader = NONE;
            votes.clear();
            votes.put(id, true);
            requestVotes(term + 1, true, false);
        } else {
            becomeCandidate();
            requestVotes(term, false, transfer);
        }
        countVotes();
    }

    private void becomeCandidate() {
        role = Role.CANDIDATE;
        term++;
        vote = id;
        leader = NONE;
        electionElapsed = 0;
        resetElectionTimeout();
        votes.clear();
        votes.put(id, true);
    }

    private void requestVotes(long voteTerm, boolean preVote, boolean transfer) {
        for (long peer : membership.voters()) {
            if (peer != id) {
                messages.add(new VoteRequest(id, peer, voteTerm, log.lastIndex(), log.lastTerm(), preVote, transfer));
            }
        }
    }

    /**
     * Tallies the current (pre-)election. A candidate that won still waits until its own term and vote are
     * durable: otherwise it could crash, restart in the previous term, campaign for the same term again, win
     * it a second time with the same voters, and lead one term twice with two different logs.
     */
    private void countVotes() {
        if (role != Role.PRE_CANDIDATE && role != Role.CANDIDATE) {
            return;
        }
        int granted = 0;
        int rejected = 0;
        for (long voter : membership.voters()) {
            Boolean v = votes.get(voter);
            if (v == null) {
                continue;
            }
            if (v) {
                granted++;
            } else {
                rejected++;
            }
        }
        switch (Quorum.tally(granted, rejected, membership.voters().size())) {
            case WON -> {
                if (role == Role.PRE_CANDIDATE) {
                    becomeCandidate();
                    requestVotes(term, false, false);
                    countVotes();
                } else if (durableHardState.term() == term && durableHardState.vote() == id) {
                    becomeLeader();
                }
            }
            case LOST -> becomeFollower(term, NONE);
            case PENDING -> {
            }
        }
    }

    private void becomeLeader() {
        role = Role.LEADER;
        leader = id;
        electionElapsed = 0;
        heartbeatElapsed = 0;
        votes.clear();
        reads = new ReadIndexTracker();
        uncommittedBytes = 0;
        leadTransferee = NONE;
        progress.clear();
        for (long peer : membership.members()) {
            if (peer != id) {
                addProgress(peer);
            }
        }
        // A new leader commits a no-op of its own term: only then are earlier terms' entries known committed
        // (§5.4.2), and only then may it serve reads (§8). It goes to every follower, even under quorum fanout:
        // upon election a leader tells each server at once (§5.2), so that none waits a heartbeat interval to
        // learn who leads (a follower holding a client's request needs to know where to send it).
        announcing = true;
        appendAsLeader(Entry.noop(log.lastIndex() + 1, term));
    }

    private void addProgress(long peer) {
        Progress pr = new Progress(log.lastIndex() + 1, cfg.maxInflightMessages(), cfg.maxInflightBytes());
        pr.recentActive = true;
        progress.put(peer, pr);
    }

    // ------------------------------------------------------------------------------------------ terms

    /**
     * A message with a higher term arrived (§5.1: "if RPC request or response contains term T > currentTerm:
     * set currentTerm = T, convert to follower"), with the PreVote and CheckQuorum exceptions. Returns false
     * if the message must be ignored.
     */
    private boolean adoptHigherTerm(Message m) {
        if (m instanceof VoteRequest r) {
            // Leader stickiness (thesis §4.2.3): while we hear from a leader, ignore disruptive candidates,
            // unless the leader itself asked for the election (transfer).
            boolean inLease = cfg.checkQuorum() && leader != NONE && electionElapsed < cfg.electionTicks();
            if (inLease && !r.transfer()) {
                return false;
            }
            if (!r.preVote()) {
                becomeFollower(m.term(), NONE);
            }
            return true;
        }
        if (m instanceof VoteResponse r && r.preVote() && r.granted()) {
            return true; // a pre-vote grant carries the term we would campaign in; nobody changed term
        }
        if (m instanceof AppendEntries || m instanceof Heartbeat || m instanceof InstallSnapshot
                || m instanceof TimeoutNow) {
            becomeFollower(m.term(), m.from());
        } else {
            becomeFollower(m.term(), NONE);
        }
        return true;
    }

    /** A message from an older term: tell a stale leader or pre-candidate our term so it steps down. */
    private void answerStaleTerm(Message m) {
        if ((m instanceof AppendEntries || m instanceof Heartbeat || m instanceof InstallSnapshot)
                && (cfg.checkQuorum() || cfg.preVote())) {
            messages.add(new HeartbeatResponse(id, m.from(), term, 0, log.lastIndex()));
        } else if (m instanceof VoteRequest r && r.preVote()) {
            messages.add(new VoteResponse(id, m.from(), term, true, false));
        } else if (m instanceof ReadIndexRequest r) {
            messages.add(new ReadIndexResponse(id, m.from(), term, r.requestId(), 0, false));
        } else if (m instanceof ReadIndexResponse r) {
            readStates.add(new ReadState(r.requestId(), 0, ReadState.Status.NOT_LEADER, leader));
        }
    }

    /** A leader's message of our term: follow it. Returns false if we are the leader of this term ourselves. */
    private boolean acceptLeaderMessage(Message m) {
        if (role == Role.LEADER) {
            droppedMessages++; // two leaders in one term cannot happen (§5.2); never obey such a message
            return false;
        }
        if (role != Role.FOLLOWER) {
            becomeFollower(term, m.from());
        }
        leader = m.from();
        electionElapsed = 0;
        return true;
    }

    // ------------------------------------------------------------------------------------------ elections

    private void handleVoteRequest(VoteRequest m) {
        // §5.2, §5.4.1: grant if we have not voted for another in this term and the candidate's log is at
        // least as up to date as ours. A pre-vote is granted on the same test for the next term.
        boolean canVote = vote == m.from()
                || (vote == NONE && leader == NONE)
                || (m.preVote() && m.term() > term);
        boolean grant = canVote && log.isUpToDate(m.lastLogIndex(), m.lastLogTerm());
        if (m.preVote()) {
            messages.add(new VoteResponse(id, m.from(), grant ? m.term() : term, true, grant));
            return;
        }
        if (grant) {
            vote = m.from();
            electionElapsed = 0;
        }
        // A vote is a promise: it may leave only once durable (Figure 2, "persistent state").
        messagesAfterPersist.add(new VoteResponse(id, m.from(), term, false, grant));
    }

    private void handleVoteResponse(VoteResponse m) {
        boolean counts = (role == Role.PRE_CANDIDATE && m.preVote() && (!m.granted() || m.term() == term + 1))
                || (role == Role.CANDIDATE && !m.preVote() && m.term() == term);
        if (counts) {
            votes.put(m.from(), m.granted());
            countVotes();
        }
    }

    private void handleTimeoutNow(TimeoutNow m) {
        if (role != Role.LEADER && promotable()) {
            campaign(true);
        }
    }

    // ------------------------------------------------------------------------------------------ follower

    private void handleAppendEntries(AppendEntries m) {
        long prevIndex = m.prevIndex();
        long prevTerm = m.prevTerm();
        List<Entry> entries = m.entries();
        long committed = log.committed();
        if (prevIndex < committed) {
            // Entries up to our commit index are identical in every log (Log Matching + Leader Completeness),
            // so skip them and continue from our commit point.
            int skip = (int) Math.min(entries.size(), committed - prevIndex);
            entries = entries.subList(skip, entries.size());
            prevIndex = committed;
            prevTerm = log.term(committed);
            if (entries.isEmpty()) {
                messagesAfterPersist.add(new AppendResponse(id, m.from(), term, true, committed, 0, 0, m.readRound()));
                return;
            }
        }
        if (!log.matchTerm(prevIndex, prevTerm)) {
            // §5.3 consistency check failed. Hint the leader to skip the whole conflicting term.
            long hintIndex = log.findConflictByTerm(Math.min(prevIndex, log.lastIndex()), prevTerm);
            long hintTerm = Math.max(0, log.term(hintIndex));
            messagesAfterPersist.add(new AppendResponse(id, m.from(), term, false, m.prevIndex(), hintIndex, hintTerm,
                    m.readRound()));
            return;
        }
        long lastNew = prevIndex + entries.size();
        long conflict = log.findConflict(entries);
        if (conflict != 0) {
            if (conflict <= committed) {
                droppedMessages++; // would overwrite a committed entry: impossible from a legitimate leader
                return;
            }
            if (conflict <= log.lastIndex()) {
                log.truncateFrom(conflict);
                dropConfigsFrom(conflict);
            }
            for (Entry e : entries.subList((int) (conflict - prevIndex - 1), entries.size())) {
                log.append(e);
                if (e.type() == EntryType.MEMBERSHIP) {
                    applyMembership(e.index(), Membership.decode(e.data()));
                }
            }
        }
        // Figure 2: commitIndex = min(leaderCommit, index of last new entry).
        log.commitTo(Math.min(m.commit(), lastNew));
        messagesAfterPersist.add(new AppendResponse(id, m.from(), term, true, lastNew, 0, 0, m.readRound()));
    }

    private void handleHeartbeat(Heartbeat m) {
        log.commitTo(Math.min(m.commit(), log.lastIndex()));
        messages.add(new HeartbeatResponse(id, m.from(), term, m.readRound(), log.lastIndex()));
    }

    private void handleInstallSnapshot(InstallSnapshot m) {
        SnapshotMeta meta = m.meta();
        if (meta.index() <= log.committed() || log.matchTerm(meta.index(), meta.term())) {
            // We already hold what it covers: its last entry is in our log, so by Log Matching the whole
            // prefix is identical, and the leader says it is committed.
            log.commitTo(Math.min(meta.index(), log.lastIndex()));
            receiver.reset();
            messagesAfterPersist.add(new SnapshotResponse(id, m.from(), term, meta.index(), meta.sizeBytes(), true));
            return;
        }
        if (m.offset() == 0) {
            receiver.begin(meta);
        } else if (!receiver.isReceiving(meta) || m.offset() != receiver.expectedOffset()) {
            long expected = receiver.isReceiving(meta) ? receiver.expectedOffset() : 0;
            messages.add(new SnapshotResponse(id, m.from(), term, meta.index(), expected, false));
            return;
        }
        snapshotChunks.add(m);
        receiver.accepted(m.data().length);
        if (!m.done()) {
            messagesAfterPersist.add(new SnapshotResponse(id, m.from(), term, meta.index(), receiver.expectedOffset(),
                    false));
            return;
        }
        if (receiver.expectedOffset() != meta.sizeBytes()) {
            receiver.reset();
            droppedMessages++;
            messages.add(new SnapshotResponse(id, m.from(), term, meta.index(), 0, false));
            return;
        }
        receiver.reset();
        // §7: discard the entire log; the snapshot replaces it.
        log.restore(meta);
        configs.clear();
        configs.put(meta.index(), meta.membership());
        membership = meta.membership();
        installedSnapshot = meta;
        latestSnapshot = meta;
        messagesAfterPersist.add(new SnapshotResponse(id, m.from(), term, meta.index(), meta.sizeBytes(), true));
    }

    // ------------------------------------------------------------------------------------------ leader

    private ProposeResult refuseProposal() {
        if (role != Role.LEADER) {
            return ProposeResult.refused(ProposeResult.Status.NOT_LEADER, leader, "not the leader");
        }
        if (leadTransferee != NONE) {
            return ProposeResult.refused(ProposeResult.Status.TRANSFERRING, leader,
                    "leadership is being transferred to " + leadTransferee);
        }
        return null;
    }

    private void appendAsLeader(Entry e) {
        log.append(e);
        if (e.type() == EntryType.MEMBERSHIP) {
            applyMembership(e.index(), Membership.decode(e.data()));
        }
        appendsPending = true;
    }

    /** Sends what accumulated since the last Ready: new entries, read rounds, commit news. Batching point. */
    private void flushLeaderSends() {
        if (role != Role.LEADER) {
            return;
        }
        boolean newRound = reads.startRoundIfNeeded();
        if (appendsPending) {
            appendsPending = false;
            broadcastAppends();
        }
        if (newRound) {
            for (Map.Entry<Long, Progress> e : progress.entrySet()) {
                if (e.getValue().sentRound < reads.round() && membership.isVoter(e.getKey())) {
                    sendHeartbeat(e.getKey(), e.getValue());
                }
            }
            confirmReads();
        }
        if (commitNewsPending) {
            commitNewsPending = false;
            if (cfg.eagerCommit()) {
                for (Map.Entry<Long, Progress> e : progress.entrySet()) {
                    Progress pr = e.getValue();
                    if (pr.commitSent < Math.min(log.committed(), pr.match)) {
                        sendHeartbeat(e.getKey(), pr);
                    }
                }
            }
        }
    }

    private void broadcastAppends() {
        boolean toAll = !cfg.quorumFanout() || announcing;
        announcing = false;
        if (toAll) {
            for (Map.Entry<Long, Progress> e : progress.entrySet()) {
                sendAppend(e.getKey(), e.getValue(), false);
            }
            return;
        }
        // Quorum fanout: new entries go at once to the most responsive voters, just enough for a majority.
        List<Long> voters = new ArrayList<>();
        for (long v : membership.voters()) {
            if (v != id && progress.containsKey(v)) {
                voters.add(v);
            }
        }
        voters.sort((a, b) -> Long.compare(progress.get(b).lastAckSeq, progress.get(a).lastAckSeq));
        int needed = membership.quorum() - (membership.isVoter(id) ? 1 : 0) + spareFanout;
        for (int i = 0; i < voters.size() && i < needed; i++) {
            sendAppend(voters.get(i), progress.get(voters.get(i)), false);
        }
    }

    /**
     * Sends the next AppendEntries to a follower, or starts a snapshot if the entries it needs are compacted.
     * Returns whether anything was sent.
     */
    private boolean sendAppend(long peer, Progress pr, boolean allowEmpty) {
        if (pr.isPaused()) {
            return false;
        }
        if (pr.next > log.lastIndex() + 1) {
            pr.next = log.lastIndex() + 1;
        }
        long prevIndex = pr.next - 1;
        long prevTerm = log.term(prevIndex);
        if (prevTerm == RaftLog.UNKNOWN) {
            return startSnapshot(peer, pr);
        }
        List<Entry> entries = log.slice(pr.next, log.lastIndex(), cfg.maxMessageBytes());
        // In PROBE an empty AppendEntries still asks "do you hold prevIndex?", which is how we find out.
        boolean probing = pr.state == Progress.State.PROBE && pr.match < prevIndex;
        if (entries.isEmpty() && !allowEmpty && !probing) {
            return false;
        }
        long bytes = 0;
        for (Entry e : entries) {
            bytes += e.sizeBytes();
        }
        long lastSent = prevIndex + entries.size();
        messages.add(new AppendEntries(id, peer, term, prevIndex, prevTerm, entries, log.committed(), reads.round()));
        pr.commitSent = Math.max(pr.commitSent, Math.min(log.committed(), lastSent));
        pr.ticksSinceSent = 0;
        pr.sentRound = reads.round();
        if (entries.isEmpty()) {
            if (pr.state == Progress.State.PROBE) {
                pr.probeSent = true;
            }
        } else {
            pr.sentEntries(lastSent, bytes);
        }
        return true;
    }

    private void sendHeartbeat(long peer, Progress pr) {
        long commit = Math.min(log.committed(), pr.match);
        messages.add(new Heartbeat(id, peer, term, commit, reads.round()));
        pr.commitSent = Math.max(pr.commitSent, commit);
        pr.ticksSinceSent = 0;
        pr.sentRound = reads.round();
    }

    private boolean startSnapshot(long peer, Progress pr) {
        if (latestSnapshot == null) {
            return false; // cannot happen: entries are compacted only behind a snapshot
        }
        pr.becomeSnapshot(latestSnapshot);
        sendSnapshotChunk(peer, pr);
        return true;
    }

    private void sendSnapshotChunk(long peer, Progress pr) {
        SnapshotMeta meta = pr.snapshot;
        byte[] data;
        try {
            data = snapshots.read(meta, pr.snapshotOffset, cfg.maxMessageBytes());
        } catch (RuntimeException e) {
            // The snapshot went away (rotated); probe again, which restarts with the newest snapshot.
            pr.becomeProbe();
            return;
        }
        boolean done = pr.snapshotOffset + data.length >= meta.sizeBytes();
        messages.add(new InstallSnapshot(id, peer, term, meta, pr.snapshotOffset, data, done));
        pr.snapshotChunkInFlight = true;
        pr.snapshotIdleHeartbeats = 0;
        pr.ticksSinceSent = 0;
    }

    private void handleAppendResponse(AppendResponse m) {
        Progress pr = leaderProgressFor(m);
        if (pr == null) {
            return;
        }
        if (m.index() > log.lastIndex()) {
            droppedMessages++;
            return;
        }
        if (!m.success()) {
            long hint = log.findConflictByTerm(m.hintIndex(), m.hintTerm());
            if (pr.maybeDecrTo(m.index(), hint)) {
                if (pr.state == Progress.State.REPLICATE) {
                    pr.becomeProbe();
                }
                sendAppend(m.from(), pr, true);
            }
            return;
        }
        boolean updated = pr.maybeUpdate(m.index());
        if (updated || (pr.match == m.index() && pr.state == Progress.State.PROBE)) {
            if (pr.state == Progress.State.PROBE) {
                pr.becomeReplicate();
            } else if (pr.state == Progress.State.SNAPSHOT && pr.match >= pr.snapshot.index()) {
                pr.becomeProbe();
            }
        }
        if (updated) {
            maybeCommit();
            if (role != Role.LEADER) {
                return; // the commit removed us from the configuration
            }
            if (m.from() == leadTransferee && pr.match == log.lastIndex()) {
                messages.add(new TimeoutNow(id, m.from(), term));
            }
        }
        if (pr.state == Progress.State.REPLICATE) {
            pr.inflights.freeLE(m.index());
        }
        // Keep the pipeline full: in REPLICATE send until paused; otherwise one message at a time.
        while (sendAppend(m.from(), pr, false) && pr.state == Progress.State.REPLICATE) {
            // loop
        }
    }

    private void handleHeartbeatResponse(HeartbeatResponse m) {
        Progress pr = leaderProgressFor(m);
        if (pr == null) {
            return;
        }
        pr.probeSent = false;
        if (pr.state == Progress.State.REPLICATE && pr.inflights.full()) {
            pr.inflights.freeFirst(); // an acknowledgement may have been lost; keep the pipeline moving
        }
        if (pr.match < log.lastIndex()) {
            // Even with nothing new to send: an empty AppendEntries at next-1 is rejected if appends were
            // lost, which drops the follower back to PROBE and resends them (otherwise an idle cluster
            // would never commit the lost tail).
            sendAppend(m.from(), pr, true);
        }
    }

    private void handleSnapshotResponse(SnapshotResponse m) {
        Progress pr = leaderProgressFor(m);
        if (pr == null || pr.state != Progress.State.SNAPSHOT || pr.snapshot.index() != m.snapshotIndex()) {
            return;
        }
        if (m.done()) {
            pr.match = Math.max(pr.match, m.snapshotIndex());
            pr.becomeProbe();
            sendAppend(m.from(), pr, true);
            return;
        }
        pr.snapshotOffset = m.nextOffset() <= pr.snapshot.sizeBytes() ? m.nextOffset() : 0;
        pr.snapshotChunkInFlight = false;
        sendSnapshotChunk(m.from(), pr);
    }

    /** The sender's progress if we lead and it is a member; marks it active and records its read round. */
    private Progress leaderProgressFor(Message m) {
        if (role != Role.LEADER) {
            return null;
        }
        Progress pr = progress.get(m.from());
        if (pr == null) {
            return null;
        }
        pr.recentActive = true;
        pr.lastAckSeq = ++ackSeq;
        long round = 0;
        if (m instanceof AppendResponse r) {
            round = r.readRound();
        } else if (m instanceof HeartbeatResponse r) {
            round = r.readRound();
        }
        if (round > pr.ackedReadRound && round <= reads.round()) {
            pr.ackedReadRound = round;
            if (reads.hasPending()) {
                confirmReads();
            }
        }
        return pr;
    }

    /**
     * Commits the highest index a majority of voters has durably stored, if it is of the current term
     * (§5.4.2: entries of earlier terms are committed only indirectly).
     */
    private void maybeCommit() {
        long[] acked = new long[membership.voters().size()];
        int i = 0;
        for (long v : membership.voters()) {
            if (v == id) {
                acked[i++] = log.stableIndex();
            } else {
                Progress pr = progress.get(v);
                acked[i++] = pr == null ? 0 : pr.match;
            }
        }
        long candidate = Quorum.majorityValue(acked);
        if (candidate <= log.committed() || log.term(candidate) != term) {
            return;
        }
        long previous = log.committed();
        boolean hadTermCommit = committedInCurrentTerm();
        log.commitTo(candidate);
        for (long idx = previous + 1; idx <= candidate; idx++) {
            Entry e = log.entry(idx);
            if (e.type() == EntryType.NORMAL) {
                uncommittedBytes = Math.max(0, uncommittedBytes - e.sizeBytes());
            }
        }
        commitNewsPending = true;
        if (!hadTermCommit) {
            reads.onTermCommitted(log.committed());
        }
        if (!membership.isVoter(id) && configs.lastKey() <= log.committed()) {
            stepDownAfterRemoval();
        }
    }

    /**
     * The committed configuration no longer includes us as a voter (thesis §4.2.2): step down, first telling
     * the most up-to-date voter to campaign at once so the cluster does not wait an election timeout.
     */
    private void stepDownAfterRemoval() {
        handOffAndStepDown();
    }

    private void handOffAndStepDown() {
        long best = NONE;
        long bestMatch = -1;
        for (long v : membership.voters()) {
            Progress pr = progress.get(v);
            if (v != id && pr != null && pr.match > bestMatch) {
                best = v;
                bestMatch = pr.match;
            }
        }
        if (best != NONE && bestMatch == log.lastIndex()) {
            messages.add(new TimeoutNow(id, best, term));
        }
        becomeFollower(term, NONE);
    }

    private boolean quorumRecentlyActive() {
        int active = 0;
        for (long v : membership.voters()) {
            if (v == id) {
                active++;
            } else {
                Progress pr = progress.get(v);
                if (pr != null && pr.recentActive) {
                    active++;
                }
            }
        }
        return active >= membership.quorum();
    }

    private boolean committedInCurrentTerm() {
        return log.term(log.committed()) == term;
    }

    // ------------------------------------------------------------------------------------------ reads

    private void handleReadIndexRequest(ReadIndexRequest m) {
        if (role != Role.LEADER) {
            messages.add(new ReadIndexResponse(id, m.from(), term, m.requestId(), 0, false));
            return;
        }
        reads.add(m.requestId(), m.from(), log.committed(), committedInCurrentTerm());
    }

    private void confirmReads() {
        long[] rounds = new long[membership.voters().size()];
        int i = 0;
        for (long v : membership.voters()) {
            if (v == id) {
                rounds[i++] = reads.round();
            } else {
                Progress pr = progress.get(v);
                rounds[i++] = pr == null ? 0 : pr.ackedReadRound;
            }
        }
        for (ReadIndexTracker.PendingRead r : reads.confirm(Quorum.majorityValue(rounds))) {
            if (r.from() == id) {
                readStates.add(new ReadState(r.requestId(), r.index(), ReadState.Status.OK, id));
            } else {
                messages.add(new ReadIndexResponse(id, r.from(), term, r.requestId(), r.index(), true));
            }
        }
    }

    // ------------------------------------------------------------------------------------------ membership

    private void applyMembership(long index, Membership m) {
        configs.put(index, m);
        onMembershipChanged();
    }

    private void dropConfigsFrom(long index) {
        configs.tailMap(index, true).clear();
        onMembershipChanged();
    }

    private void onMembershipChanged() {
        membership = configs.lastEntry().getValue();
        if (role == Role.LEADER) {
            for (long peer : membership.members()) {
                if (peer != id && !progress.containsKey(peer)) {
                    addProgress(peer);
                }
            }
            progress.keySet().removeIf(peer -> !membership.isMember(peer));
            if (leadTransferee != NONE && !membership.isVoter(leadTransferee)) {
                leadTransferee = NONE;
            }
        } else if ((role == Role.CANDIDATE || role == Role.PRE_CANDIDATE) && !promotable()) {
            becomeFollower(term, NONE);
        }
    }

    // ------------------------------------------------------------------------------------------ validation

    private HardState currentHardState() {
        return new HardState(term, vote, log.committed());
    }
}
