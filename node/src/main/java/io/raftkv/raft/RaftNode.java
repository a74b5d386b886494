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

import java.util.Map;

/**
 * One Raft peer as a deterministic state machine. It does no I/O and reads no clock: the caller feeds it
 * {@link #tick() ticks}, {@link #step(Message) peer messages}, proposals and read requests, and collects the
 * resulting work with {@link #ready()} (see {@link Ready} for the contract). Randomness comes only from
 * {@link RaftConfig#seed()}. Not thread-safe: one thread owns a node.
 *
 * <p>This class holds the persistent state (term, vote), the role and its switches, time, and the output
 * contract; the rules live in its parts, as in etcd-raft: {@link Election} (votes, PreVote), {@link Leader}
 * (one term's leadership: proposals, commitment, reads, transfer) with {@link Replication} and
 * {@link ProgressTracker} (per-follower state and majority queries), {@link Follower} (the log repair and
 * snapshots a leader sends), {@link ConfigHistory} (membership in the log), {@link RaftLog}, {@link Outbox}.
 *
 * <p>Section references are to the Raft paper (Ongaro and Ousterhout, 2014) unless they say "thesis"
 * (Ongaro's dissertation, 2014).
 */
public final class RaftNode {
    /** "No node": no vote cast, no leader known. */
    public static final long NONE = 0;

    private static final long MAX_APPLY_BYTES_PER_READY = 64L << 20;

    private final RaftConfig cfg;
    private final long id;
    private final SnapshotReader snapshots;
    private final MessageValidator validator;
    private final RaftLog log;
    private final ConfigHistory configs;
    private final Outbox out = new Outbox();
    private final Compaction compaction;
    private final Election election;
    private final Follower follower;
    private final Dispatcher dispatcher = new Dispatcher();

    // Persistent state (Figure 2) and what of it is known durable.
    private long term;
    private long vote;
    private HardState lastHardState;
    private HardState durableHardState;

    private Role role = Role.FOLLOWER;
    private long leader = NONE;
    /** This node's leadership of the current term; null unless {@code role == LEADER}. */
    private Leader leadership;
    private int electionElapsed;
    private int heartbeatElapsed;

    /** Voters beyond a bare majority that get new entries at once under quorum fanout ({@link #setSpareFanout}). */
    private int spareFanout;
    private long droppedMessages;

    private RaftNode(RaftConfig cfg, RecoveredState state, SnapshotReader snapshots) {
        this.cfg = cfg;
        this.id = cfg.id();
        this.snapshots = snapshots;
        this.validator = new MessageValidator(cfg.id(), cfg.maxIncomingEntryBytes());
        SnapshotMeta snap = state.snapshot();
        this.log = new RaftLog(snap.index(), snap.term(), state.entries(), state.hardState().commit());
        this.term = state.hardState().term();
        this.vote = state.hardState().vote();
        this.lastHardState = state.hardState();
        this.durableHardState = state.hardState();
        this.configs = new ConfigHistory(snap.index(), snap.membership());
        for (Entry e : state.entries()) {
            if (e.type() == EntryType.MEMBERSHIP) {
                configs.appended(e.index(), Membership.decode(e.data()));
            }
        }
        this.compaction = new Compaction(log, configs, snap);
        this.election = new Election(cfg, log, configs, out);
        this.follower = new Follower(id, log, configs, out, compaction::installed);
        election.resetTimeout();
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
        if (!validator.isWellFormed(m, configs.current(), leader)) {
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
        m.accept(dispatcher);
    }

    /** Proposes an application command. Only the leader accepts; see {@link ProposeResult}. */
    public ProposeResult propose(byte[] command) {
        ProposeResult refusal = refuseProposal();
        return refusal != null ? refusal : leadership.propose(command);
    }

    /** Proposes one membership change; see {@link Leader#proposeMembership} for when it is refused. */
    public ProposeResult proposeMembership(MembershipChange change) {
        ProposeResult refusal = refuseProposal();
        return refusal != null ? refusal : leadership.proposeMembership(change);
    }

    private ProposeResult refuseProposal() {
        if (role != Role.LEADER) {
            return ProposeResult.refused(ProposeResult.Status.NOT_LEADER, leader, "not the leader");
        }
        return leadership.refusal();
    }

    /**
     * Asks for a linearizable read (thesis §6.4). The answer arrives as a {@link ReadState} with the same
     * {@code requestId} in a later {@link Ready}; a follower asks its leader. Use a fresh id per attempt.
     */
    public void readIndex(long requestId) {
        if (role == Role.LEADER) {
            leadership.read(requestId, id);
        } else if (leader != NONE) {
            out.send(new ReadIndexRequest(id, leader, term, requestId));
        } else {
            out.answerRead(new ReadState(requestId, 0, ReadState.Status.NOT_LEADER, NONE));
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
        return leadership.transferTo(target);
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
            if (leadership.maybeCommit()) {
                handOffAndStepDown();
            }
        } else if (role == Role.CANDIDATE) {
            countVotes();
        }
    }

    /** Reports that the state machine has applied every entry through {@code index}. */
    public void applied(long index) {
        compaction.applied(index);
    }

    /**
     * The metadata a snapshot of the state machine at {@code index} (at most the applied index) must carry:
     * the entry's term and the membership in force there.
     */
    public SnapshotMeta snapshotMetaFor(long index) {
        return compaction.snapshotMetaFor(index);
    }

    /**
     * The caller saved a durable snapshot described by {@code meta} (from {@link #snapshotMetaFor} with its
     * size filled in). The log is compacted up to {@code meta.index() - retainEntries}: keeping a tail lets a
     * briefly lagging follower catch up from the log instead of needing the whole snapshot.
     */
    public void compact(SnapshotMeta meta, long retainEntries) {
        compaction.compact(meta, retainEntries);
    }

    // ------------------------------------------------------------------------------------------ output

    /**
     * True if {@link #ready()} has work. A pure query: the leader's batched sends (new entries, a ReadIndex
     * round, commit news) are only predicted here and made in {@link #ready()}.
     */
    public boolean hasReady() {
        return !currentHardState().equals(lastHardState) || log.hasUnstable() || log.hasCommittedToApply()
                || !out.isEmpty() || (leadership != null && leadership.hasOutputDue());
    }

    /** Collects all pending work; see {@link Ready} for what the caller must do with it. */
    public Ready ready() {
        if (leadership != null) {
            leadership.flush(spareFanout); // the batching point: everything proposed since the last Ready
        }
        HardState hs = currentHardState();
        HardState hsOut = hs.equals(lastHardState) ? null : hs;
        lastHardState = hs;
        return out.take(hsOut, log.takeUnstable(), log.takeCommitted(MAX_APPLY_BYTES_PER_READY));
    }

    private HardState currentHardState() {
        return new HardState(term, vote, log.committed());
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
        return configs.current();
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
        Map<Long, NodeStatus.PeerProgress> peers = leadership != null ? leadership.status() : Map.of();
        return new NodeStatus(id, role, term, leader, log.committed(), compaction.applied(), log.lastIndex(),
                log.stableIndex(), configs.current(), configs.currentIsCommitted(log.committed()), peers);
    }

    // ------------------------------------------------------------------------------------------ time

    private void tickElection() {
        electionElapsed++;
        if (election.timedOut(electionElapsed) && promotable()) {
            electionElapsed = 0;
            campaign(false);
        }
    }

    private void tickLeader() {
        heartbeatElapsed++;
        electionElapsed++;
        boolean checkQuorumPeriodEnded = electionElapsed >= cfg.electionTicks();
        if (checkQuorumPeriodEnded) {
            electionElapsed = 0;
        }
        boolean heartbeatRound = heartbeatElapsed >= cfg.heartbeatTicks();
        if (heartbeatRound) {
            heartbeatElapsed = 0;
        }
        if (!leadership.tick(checkQuorumPeriodEnded, heartbeatRound)) {
            becomeFollower(term, NONE); // CheckQuorum failed (thesis §6.2)
        }
    }

    // ------------------------------------------------------------------------------------------ roles

    private boolean promotable() {
        return configs.mayCampaign(id, log.committed());
    }

    private void becomeFollower(long newTerm, long newLeader) {
        if (role == Role.LEADER) {
            leadership.abdicate();
            leadership = null;
        }
        if (newTerm > term) {
            term = newTerm;
            vote = NONE;
        }
        role = Role.FOLLOWER;
        leader = newLeader;
        electionElapsed = 0;
        heartbeatElapsed = 0;
        election.clear();
        election.resetTimeout();
    }

    /** Steps down after telling the voter that holds the whole log, if any, to campaign at once. */
    private void handOffAndStepDown() {
        leadership.handOff();
        becomeFollower(term, NONE);
    }

    private void campaign(boolean transfer) {
        if (cfg.preVote() && !transfer) {
            // PreVote (thesis §9.6): ask first whether we could win, without raising anyone's term, so a node
            // that was cut off cannot disrupt a healthy cluster when it returns.
            role = Role.PRE_CANDIDATE;
            leader = NONE;
            election.start(term + 1, true, false);
        } else {
            becomeCandidate();
            election.start(term, false, transfer);
        }
        countVotes();
    }

    /** §5.2: increment the term, vote for self, reset the election timer (then ask the others). */
    private void becomeCandidate() {
        role = Role.CANDIDATE;
        term++;
        vote = id;
        leader = NONE;
        electionElapsed = 0;
        election.resetTimeout();
    }

    /**
     * Acts on the current (pre-)election's tally. A candidate that won still waits until its own term and vote
     * are durable: otherwise it could crash, restart in the previous term, campaign for the same term again, win
     * it a second time with the same voters, and lead one term twice with two different logs.
     */
    private void countVotes() {
        if (role != Role.PRE_CANDIDATE && role != Role.CANDIDATE) {
            return;
        }
        switch (election.outcome()) {
            case WON -> {
                if (role == Role.PRE_CANDIDATE) {
                    becomeCandidate();
                    election.start(term, false, false);
                    countVotes();
                } else if (durableHardState.term() == term && durableHardState.vote() == id) {
                    becomeLeader();
                }
            }
            case LOST -> becomeFollower(term, NONE);
            case PENDING -> { }
        }
    }

    private void becomeLeader() {
        role = Role.LEADER;
        leader = id;
        electionElapsed = 0;
        heartbeatElapsed = 0;
        election.clear();
        leadership = new Leader(cfg, term, log, configs, out, snapshots, compaction::latestSnapshot);
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
            out.send(new HeartbeatResponse(id, m.from(), term, 0, log.lastIndex()));
        } else if (m instanceof VoteRequest r && r.preVote()) {
            out.send(new VoteResponse(id, m.from(), term, true, false));
        } else if (m instanceof ReadIndexRequest r) {
            out.send(new ReadIndexResponse(id, m.from(), term, r.requestId(), 0, false));
        } else if (m instanceof ReadIndexResponse r) {
            out.answerRead(new ReadState(r.requestId(), 0, ReadState.Status.NOT_LEADER, leader));
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

    // ------------------------------------------------------------------------------------------ messages

    /**
     * Routes a message of the current term to the part whose rules apply. Being a {@link Message.Visitor}, it
     * must name every kind of message: a new kind does not compile until it is handled here.
     */
    private final class Dispatcher implements Message.Visitor<Void> {
        @Override
        public Void onVoteRequest(VoteRequest m) {
            if (election.answer(m, vote, leader, term)) {
                vote = m.from();
                electionElapsed = 0;
            }
            return null;
        }

        @Override
        public Void onVoteResponse(VoteResponse m) {
            if (election.record(m, role, term)) {
                countVotes();
            }
            return null;
        }

        @Override
        public Void onAppendEntries(AppendEntries m) {
            if (acceptLeaderMessage(m) && !follower.onAppendEntries(m, term)) {
                droppedMessages++;
            }
            return null;
        }

        @Override
        public Void onHeartbeat(Heartbeat m) {
            if (acceptLeaderMessage(m)) {
                follower.onHeartbeat(m, term);
            }
            return null;
        }

        @Override
        public Void onInstallSnapshot(InstallSnapshot m) {
            if (acceptLeaderMessage(m) && !follower.onInstallSnapshot(m, term)) {
                droppedMessages++;
            }
            return null;
        }

        @Override
        public Void onAppendResponse(AppendResponse m) {
            if (role != Role.LEADER) {
                return null;
            }
            switch (leadership.onAppendResponse(m)) {
                case DROPPED -> droppedMessages++;
                case REMOVED -> handOffAndStepDown(); // the committed configuration removed us (thesis §4.2.2)
                case HANDLED -> { }
            }
            return null;
        }

        @Override
        public Void onHeartbeatResponse(HeartbeatResponse m) {
            if (role == Role.LEADER) {
                leadership.onHeartbeatResponse(m);
            }
            return null;
        }

        @Override
        public Void onSnapshotResponse(SnapshotResponse m) {
            if (role == Role.LEADER) {
                leadership.onSnapshotResponse(m);
            }
            return null;
        }

        @Override
        public Void onTimeoutNow(TimeoutNow m) {
            if (role != Role.LEADER && promotable()) {
                campaign(true); // leadership transfer (thesis §3.10): campaign at once, even within the lease
            }
            return null;
        }

        @Override
        public Void onReadIndexRequest(ReadIndexRequest m) {
            if (role != Role.LEADER) {
                out.send(new ReadIndexResponse(id, m.from(), term, m.requestId(), 0, false));
            } else {
                leadership.read(m.requestId(), m.from());
            }
            return null;
        }

        @Override
        public Void onReadIndexResponse(ReadIndexResponse m) {
            out.answerRead(new ReadState(m.requestId(), m.index(),
                    m.ok() ? ReadState.Status.OK : ReadState.Status.NOT_LEADER, leader));
            return null;
        }
    }
}
