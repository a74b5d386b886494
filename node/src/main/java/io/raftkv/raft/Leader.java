package io.raftkv.raft;

import io.raftkv.raft.message.AppendResponse;
import io.raftkv.raft.message.HeartbeatResponse;
import io.raftkv.raft.message.ReadIndexResponse;
import io.raftkv.raft.message.SnapshotResponse;
import io.raftkv.raft.message.TimeoutNow;

import java.util.Map;
import java.util.function.Supplier;

/**
 * A node's leadership of one term, from winning the election to stepping down: it takes proposals (with
 * backpressure), has them replicated ({@link Replication}), commits what a majority stores (§5.3, §5.4.2),
 * confirms linearizable reads (thesis §6.4) and hands leadership over on request (thesis §3.10). A new term's
 * leadership starts from scratch: nothing here outlives the term.
 */
final class Leader {
    /** What became of an answer from a follower. */
    enum Outcome {
        HANDLED,
        /** The answer is impossible (it acknowledges entries the leader does not have): counted as dropped. */
        DROPPED,
        /** The commit it allowed removed this node from the voters: it must step down (thesis §4.2.2). */
        REMOVED
    }

    private final RaftConfig cfg;
    private final long self;
    private final long term;
    private final RaftLog log;
    private final ConfigHistory configs;
    private final Outbox out;
    private final ProgressTracker tracker;
    private final ReadIndexTracker reads = new ReadIndexTracker();
    private final Replication replication;

    private long uncommittedBytes;
    private long ackSeq;
    private long transferee = RaftNode.NONE;
    private int transferElapsed;

    /**
     * Starts leading {@code term}: every member is probed from the end of the log, and a no-op of the new term
     * goes to every follower. Only once it is committed are earlier terms' entries known committed (§5.4.2), and
     * only then may the leader serve reads (§8).
     */
    Leader(RaftConfig cfg, long term, RaftLog log, ConfigHistory configs, Outbox out, SnapshotReader snapshots,
           Supplier<SnapshotMeta> latestSnapshot) {
        this.cfg = cfg;
        this.self = cfg.id();
        this.term = term;
        this.log = log;
        this.configs = configs;
        this.out = out;
        this.tracker = new ProgressTracker(self, configs.current(), log.lastIndex() + 1, cfg.maxInflightMessages(),
                cfg.maxInflightBytes());
        this.replication = new Replication(cfg, term, log, tracker, reads, out, snapshots, latestSnapshot);
        replication.announceToAll();
        append(Entry.noop(log.lastIndex() + 1, term));
    }

    // ------------------------------------------------------------------------------------------ proposals

    /** Refuses a proposal while leadership is being handed over; null if proposals are welcome. */
    ProposeResult refusal() {
        if (transferee != RaftNode.NONE) {
            return ProposeResult.refused(ProposeResult.Status.TRANSFERRING, self,
                    "leadership is being transferred to " + transferee);
        }
        return null;
    }

    ProposeResult propose(byte[] command) {
        int size = command.length + Entry.OVERHEAD_BYTES;
        if (size > cfg.maxMessageBytes()) {
            return ProposeResult.refused(ProposeResult.Status.REJECTED, self,
                    "command of " + command.length + " bytes exceeds the message limit of " + cfg.maxMessageBytes());
        }
        if (uncommittedBytes > 0 && uncommittedBytes + size > cfg.maxUncommittedBytes()) {
            return ProposeResult.refused(ProposeResult.Status.BACKPRESSURE, self,
                    "too many uncommitted bytes (" + uncommittedBytes + ")");
        }
        Entry e = Entry.normal(log.lastIndex() + 1, term, command);
        append(e);
        uncommittedBytes += size;
        return ProposeResult.accepted(e.index(), e.term(), self);
    }

    /**
     * Proposes one membership change. Refused while another change is uncommitted (one at a time, thesis
     * §4.1) and until the leader has committed an entry of its own term (the fix to single-server changes
     * described on raft-dev in 2015: otherwise two leaders could commit changes from different bases).
     */
    ProposeResult proposeMembership(MembershipChange change) {
        if (!committedInCurrentTerm()) {
            return ProposeResult.refused(ProposeResult.Status.REJECTED, self,
                    "the leader has not yet committed an entry in its term; retry shortly");
        }
        if (!configs.currentIsCommitted(log.committed())) {
            return ProposeResult.refused(ProposeResult.Status.REJECTED, self,
                    "another membership change is still uncommitted");
        }
        if (change.kind() == MembershipChange.Kind.PROMOTE) {
            Progress pr = tracker.get(change.nodeId());
            if (pr != null && pr.match() < log.committed()) {
                // A voter that lags adds to the quorum without helping it: with one more node down the
                // cluster could stall (thesis §4.2.1). Promote once it has caught up.
                return ProposeResult.refused(ProposeResult.Status.REJECTED, self, "learner " + change.nodeId()
                        + " has not caught up yet (match " + pr.match() + " < commit " + log.committed() + ")");
            }
        }
        Membership next;
        try {
            next = configs.current().apply(change);
        } catch (IllegalArgumentException e) {
            return ProposeResult.refused(ProposeResult.Status.REJECTED, self, e.getMessage());
        }
        Entry e = new Entry(log.lastIndex() + 1, term, EntryType.MEMBERSHIP, next.encode());
        append(e);
        return ProposeResult.accepted(e.index(), e.term(), self);
    }

    /** A configuration is used as soon as it is in the log, committed or not (thesis §4.1). */
    private void append(Entry e) {
        log.append(e);
        if (e.type() == EntryType.MEMBERSHIP) {
            configs.appended(e.index(), Membership.decode(e.data()));
            tracker.follow(configs.current(), log.lastIndex() + 1);
            if (transferee != RaftNode.NONE && !configs.current().isVoter(transferee)) {
                transferee = RaftNode.NONE;
            }
        }
        replication.entriesAppended();
    }

    // ------------------------------------------------------------------------------------------ commitment

    private boolean committedInCurrentTerm() {
        return log.term(log.committed()) == term;
    }

    /**
     * Commits the highest index a majority of voters has durably stored (the leader counting its own log only
     * once durable, thesis §10.2.1), if it is of the current term (§5.4.2: entries of earlier terms are
     * committed only indirectly). Returns whether the commit removed this node from the voters, so that it must
     * step down (thesis §4.2.2).
     */
    boolean maybeCommit() {
        long candidate = tracker.majorityMatch(log.stableIndex());
        if (candidate <= log.committed() || log.term(candidate) != term) {
            return false;
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
        replication.commitAdvanced();
        if (!hadTermCommit) {
            reads.onTermCommitted(log.committed());
        }
        return !configs.current().isVoter(self) && configs.currentIsCommitted(log.committed());
    }

    // ------------------------------------------------------------------------------------------ answers

    Outcome onAppendResponse(AppendResponse m) {
        Progress pr = heardFrom(m.from(), m.readRound());
        if (pr == null) {
            return Outcome.HANDLED;
        }
        if (m.index() > log.lastIndex()) {
            return Outcome.DROPPED;
        }
        if (!m.success()) {
            replication.onRejected(m, pr);
            return Outcome.HANDLED;
        }
        if (replication.onAccepted(m.index(), pr)) {
            if (maybeCommit()) {
                return Outcome.REMOVED;
            }
            if (m.from() == transferee && pr.match() == log.lastIndex()) {
                out.send(new TimeoutNow(self, m.from(), term));
            }
        }
        replication.continueAfter(m.from(), pr, m.index());
        return Outcome.HANDLED;
    }

    void onHeartbeatResponse(HeartbeatResponse m) {
        Progress pr = heardFrom(m.from(), m.readRound());
        if (pr != null) {
            replication.onHeartbeatResponse(m.from(), pr);
        }
    }

    void onSnapshotResponse(SnapshotResponse m) {
        Progress pr = heardFrom(m.from(), 0);
        if (pr != null) {
            replication.onSnapshotResponse(m, pr);
        }
    }

    /** The sender's progress if it is a member; marks it active and records the read round it echoed. */
    private Progress heardFrom(long peer, long readRound) {
        Progress pr = tracker.get(peer);
        if (pr == null) {
            return null;
        }
        pr.heardFrom(++ackSeq);
        if (pr.acknowledgeReadRound(readRound, reads.round()) && reads.hasPending()) {
            confirmReads();
        }
        return pr;
    }

    // ------------------------------------------------------------------------------------------ reads

    /** A linearizable read from {@code from} (this node or a follower) at the current commit index (thesis §6.4). */
    void read(long requestId, long from) {
        reads.add(requestId, from, log.committed(), committedInCurrentTerm());
    }

    /** Releases every read whose round a majority has acknowledged: this node was still leader when it arrived. */
    private void confirmReads() {
        for (ReadIndexTracker.PendingRead r : reads.confirm(tracker.majorityReadRound(reads.round()))) {
            if (r.from() == self) {
                out.answerRead(new ReadState(r.requestId(), r.index(), ReadState.Status.OK, self));
            } else {
                out.send(new ReadIndexResponse(self, r.from(), term, r.requestId(), r.index(), true));
            }
        }
    }

    // ------------------------------------------------------------------------------------------ output

    /** Whether {@link #flush} would produce output. A query only. */
    boolean hasOutputDue() {
        return reads.roundNeeded() || replication.hasSendsDue();
    }

    /**
     * Sends what accumulated since the last Ready: a new read round, new entries (which carry the round),
     * heartbeats for the round to the voters that got no entries, then commit news.
     */
    void flush(int spareFanout) {
        boolean newRound = reads.startRoundIfNeeded();
        replication.flushAppends(spareFanout);
        if (newRound) {
            replication.sendReadRound();
            confirmReads();
        }
        replication.flushCommitNews();
    }

    // ------------------------------------------------------------------------------------------ time

    /**
     * One tick. Returns false if CheckQuorum (thesis §6.2) finds that no majority was heard from in an election
     * timeout: the leader must step down, so clients find the real leader and reads on a stale leader stop.
     */
    boolean tick(boolean checkQuorumPeriodEnded, boolean heartbeatRound) {
        if (checkQuorumPeriodEnded) {
            if (cfg.checkQuorum() && !tracker.quorumRecentlyActive()) {
                return false;
            }
            tracker.forgetRecentActivity();
        }
        if (transferee != RaftNode.NONE && ++transferElapsed >= cfg.electionTicks()) {
            transferee = RaftNode.NONE; // the transfer did not happen within an election timeout: abort it
        }
        replication.tick(heartbeatRound);
        return true;
    }

    // ------------------------------------------------------------------------------------------ transfer

    /** Starts handing leadership to {@code target} (thesis §3.10); see {@link RaftNode#transferLeadership}. */
    TransferResult transferTo(long target) {
        if (!configs.current().isVoter(target)) {
            return TransferResult.NOT_A_VOTER;
        }
        Progress pr = tracker.get(target);
        if (pr == null || (pr.state() != Progress.State.REPLICATE && pr.match() != log.lastIndex())) {
            return TransferResult.TARGET_NOT_CAUGHT_UP;
        }
        transferee = target;
        transferElapsed = 0;
        if (pr.match() == log.lastIndex()) {
            out.send(new TimeoutNow(self, target, term));
        } else {
            replication.sendAppend(target, pr, false);
        }
        return TransferResult.STARTED;
    }

    /** Before stepping down: tells the voter holding the whole log, if any, to campaign at once. */
    void handOff() {
        long best = tracker.caughtUpVoter(log.lastIndex());
        if (best != RaftNode.NONE) {
            out.send(new TimeoutNow(self, best, term));
        }
    }

    /** The leadership ends: reads it could not confirm are answered NOT_LEADER, so their clients retry elsewhere. */
    void abdicate() {
        for (long[] r : reads.drainAll()) {
            if (r[1] == self) {
                out.answerRead(new ReadState(r[0], 0, ReadState.Status.NOT_LEADER, RaftNode.NONE));
            } else {
                out.send(new ReadIndexResponse(self, r[1], term, r[0], 0, false));
            }
        }
    }

    Map<Long, NodeStatus.PeerProgress> status() {
        return tracker.status(log.stableIndex(), log.lastIndex());
    }
}
