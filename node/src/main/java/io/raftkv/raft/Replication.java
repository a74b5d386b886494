package io.raftkv.raft;

import io.raftkv.raft.message.AppendEntries;
import io.raftkv.raft.message.AppendResponse;
import io.raftkv.raft.message.Heartbeat;
import io.raftkv.raft.message.InstallSnapshot;
import io.raftkv.raft.message.SnapshotResponse;

import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * How a leader gets its log to the followers in one term: AppendEntries (§5.3) pipelined per follower within
 * the in-flight limits (flow control), snapshots in chunks to followers that need compacted entries (§7), and
 * heartbeats (§5.2) so that no follower goes an interval without word. It moves each follower's
 * {@link Progress} as messages go out and answers come back; what a majority has reached is decided by the
 * {@link Leader}.
 */
final class Replication {
    /** Heartbeat intervals without an answer before a snapshot chunk is sent again. */
    private static final int SNAPSHOT_RESEND_HEARTBEATS = 3;

    private final RaftConfig cfg;
    private final long self;
    private final long term;
    private final RaftLog log;
    private final ProgressTracker tracker;
    private final ReadIndexTracker reads;
    private final Outbox out;
    private final SnapshotReader snapshots;
    private final Supplier<SnapshotMeta> latestSnapshot;

    /** New entries wait for the next Ready, so that proposals between two Readys go out in one message. */
    private boolean appendsPending;
    /** The commit index advanced since the last Ready (sent then with {@link RaftConfig#eagerCommit()}). */
    private boolean commitNewsPending;
    /** A new leader's first entries go to every follower, whatever the fanout. */
    private boolean announcing;

    // The per-follower actions of the hot paths, made once: a lambda capturing {@code this} would otherwise be
    // allocated on every Ready.
    private final BiConsumer<Long, Progress> newEntriesAction = (peer, pr) -> sendAppend(peer, pr, false);
    private final BiConsumer<Long, Progress> readRoundAction = this::sendReadRoundTo;
    private final BiConsumer<Long, Progress> commitNewsAction = this::sendCommitNewsTo;

    Replication(RaftConfig cfg, long term, RaftLog log, ProgressTracker tracker, ReadIndexTracker reads, Outbox out,
                SnapshotReader snapshots, Supplier<SnapshotMeta> latestSnapshot) {
        this.cfg = cfg;
        this.self = cfg.id();
        this.term = term;
        this.log = log;
        this.tracker = tracker;
        this.reads = reads;
        this.out = out;
        this.snapshots = snapshots;
        this.latestSnapshot = latestSnapshot;
    }

    /** Entries were appended to the leader's log; they go out with the next Ready. */
    void entriesAppended() {
        appendsPending = true;
    }

    /**
     * The next entries go to every follower, even under quorum fanout: upon election a leader tells each server
     * at once (§5.2), so that none waits a heartbeat interval to learn who leads.
     */
    void announceToAll() {
        announcing = true;
    }

    void commitAdvanced() {
        commitNewsPending = true;
    }

    /** Whether {@link #flushAppends} or {@link #flushCommitNews} would send something. A query only. */
    boolean hasSendsDue() {
        return appendsPending
                || (commitNewsPending && cfg.eagerCommit() && tracker.anyLacksCommit(log.committed()));
    }

    /** Sends the entries appended since the last Ready (the batching point). */
    void flushAppends(int spareFanout) {
        if (!appendsPending) {
            return;
        }
        appendsPending = false;
        boolean toAll = !cfg.quorumFanout() || announcing;
        announcing = false;
        if (toAll) {
            tracker.forEach(newEntriesAction);
            return;
        }
        // Quorum fanout: new entries go at once to the most responsive voters, just enough for a majority.
        List<Long> voters = tracker.votersByResponsiveness();
        Membership m = tracker.membership();
        int needed = m.quorum() - (m.isVoter(self) ? 1 : 0) + spareFanout;
        for (int i = 0; i < voters.size() && i < needed; i++) {
            sendAppend(voters.get(i), tracker.get(voters.get(i)), false);
        }
    }

    /** A ReadIndex round started: every voter not yet sent it gets a heartbeat carrying it (thesis §6.4). */
    void sendReadRound() {
        tracker.forEach(readRoundAction);
    }

    private void sendReadRoundTo(long peer, Progress pr) {
        if (pr.sentRound() < reads.round() && tracker.membership().isVoter(peer)) {
            sendHeartbeat(peer, pr);
        }
    }

    /** With eager commit, followers that hold entries the leader committed since the last Ready hear of it now. */
    void flushCommitNews() {
        if (!commitNewsPending) {
            return;
        }
        commitNewsPending = false;
        if (cfg.eagerCommit()) {
            tracker.forEach(commitNewsAction);
        }
    }

    private void sendCommitNewsTo(long peer, Progress pr) {
        if (pr.lacksCommit(log.committed())) {
            sendHeartbeat(peer, pr);
        }
    }

    /**
     * Sends the next AppendEntries to a follower, or starts a snapshot if the entries it needs are compacted.
     * Returns whether anything was sent.
     */
    boolean sendAppend(long peer, Progress pr, boolean allowEmpty) {
        if (pr.isPaused()) {
            return false;
        }
        pr.limitNextTo(log.lastIndex());
        long prevIndex = pr.next() - 1;
        long prevTerm = log.term(prevIndex);
        if (prevTerm == RaftLog.UNKNOWN) {
            return startSnapshot(peer, pr);
        }
        List<Entry> entries = log.slice(pr.next(), log.lastIndex(), cfg.maxMessageBytes());
        // In PROBE an empty AppendEntries still asks "do you hold prevIndex?", which is how we find out.
        boolean probing = pr.state() == Progress.State.PROBE && pr.match() < prevIndex;
        if (entries.isEmpty() && !allowEmpty && !probing) {
            return false;
        }
        long bytes = 0;
        for (Entry e : entries) {
            bytes += e.sizeBytes();
        }
        long lastSent = prevIndex + entries.size();
        out.send(new AppendEntries(self, peer, term, prevIndex, prevTerm, entries, log.committed(), reads.round()));
        pr.sentAppend(lastSent, entries.size(), bytes, Math.min(log.committed(), lastSent), reads.round());
        return true;
    }

    /** A heartbeat (§5.2) with the commit index, capped at what the follower is known to hold. */
    void sendHeartbeat(long peer, Progress pr) {
        long commit = Math.min(log.committed(), pr.match());
        out.send(new Heartbeat(self, peer, term, commit, reads.round()));
        pr.sentHeartbeat(commit, reads.round());
    }

    private boolean startSnapshot(long peer, Progress pr) {
        SnapshotMeta latest = latestSnapshot.get();
        if (latest == null) {
            return false; // cannot happen: entries are compacted only behind a snapshot
        }
        pr.becomeSnapshot(latest);
        sendSnapshotChunk(peer, pr);
        return true;
    }

    private void sendSnapshotChunk(long peer, Progress pr) {
        SnapshotMeta meta = pr.snapshot();
        byte[] data;
        try {
            data = snapshots.read(meta, pr.snapshotOffset(), cfg.maxMessageBytes());
        } catch (RuntimeException e) {
            // The snapshot went away (rotated); probe again, which restarts with the newest snapshot.
            pr.becomeProbe();
            return;
        }
        boolean done = pr.snapshotOffset() + data.length >= meta.sizeBytes();
        out.send(new InstallSnapshot(self, peer, term, meta, pr.snapshotOffset(), data, done));
        pr.sentSnapshotChunk();
    }

    // ------------------------------------------------------------------------------------------ answers

    /**
     * The follower rejected an AppendEntries (§5.3): back up to the conflict the follower hinted at, skipping a
     * whole conflicting term at once, and probe from there.
     */
    void onRejected(AppendResponse m, Progress pr) {
        long hint = log.findConflictByTerm(m.hintIndex(), m.hintTerm());
        if (pr.maybeDecrTo(m.index(), hint)) {
            if (pr.state() == Progress.State.REPLICATE) {
                pr.becomeProbe();
            }
            sendAppend(m.from(), pr, true);
        }
    }

    /**
     * The follower stores everything through {@code index}. Returns whether its match index advanced (so the
     * commit index may too).
     */
    boolean onAccepted(long index, Progress pr) {
        boolean updated = pr.maybeUpdate(index);
        if (updated || (pr.match() == index && pr.state() == Progress.State.PROBE)) {
            if (pr.state() == Progress.State.PROBE) {
                pr.becomeReplicate();
            } else if (pr.state() == Progress.State.SNAPSHOT && pr.match() >= pr.snapshot().index()) {
                pr.becomeProbe();
            }
        }
        return updated;
    }

    /** After an acknowledgement through {@code index}: keep the pipeline full (in PROBE, one message at a time). */
    void continueAfter(long peer, Progress pr, long index) {
        pr.freeInflightsThrough(index);
        while (sendAppend(peer, pr, false) && pr.state() == Progress.State.REPLICATE) {
            // loop until paused or nothing is left to send
        }
    }

    void onHeartbeatResponse(long peer, Progress pr) {
        pr.heartbeatAnswered();
        if (pr.match() < log.lastIndex()) {
            // Even with nothing new to send: an empty AppendEntries at next-1 is rejected if appends were
            // lost, which drops the follower back to PROBE and resends them (otherwise an idle cluster
            // would never commit the lost tail).
            sendAppend(peer, pr, true);
        }
    }

    void onSnapshotResponse(SnapshotResponse m, Progress pr) {
        if (pr.state() != Progress.State.SNAPSHOT || pr.snapshot().index() != m.snapshotIndex()) {
            return;
        }
        if (m.done()) {
            pr.snapshotInstalled(m.snapshotIndex());
            sendAppend(m.from(), pr, true);
            return;
        }
        pr.snapshotChunkAcknowledged(m.nextOffset());
        sendSnapshotChunk(m.from(), pr);
    }

    // ------------------------------------------------------------------------------------------ time

    /**
     * Every tick: a follower that was sent nothing for a heartbeat interval gets its missing entries (the lazily
     * replicated ones in quorum-fanout mode catch up here) or a heartbeat (§5.2). So an active follower costs no
     * extra messages, and none goes longer than one interval without hearing from its leader, however its last
     * contact fell between rounds. Once per interval (a round), a paused follower is asked again even if it was
     * sent something lately (its probe may be lost), and a stalled snapshot transfer is resumed.
     */
    void tick(boolean round) {
        tracker.forEach((peer, pr) -> {
            pr.tick();
            boolean due = pr.ticksSinceSent() >= cfg.heartbeatTicks();
            if (pr.state() == Progress.State.SNAPSHOT) {
                if (round && pr.snapshotChunkOverdue(SNAPSHOT_RESEND_HEARTBEATS)) {
                    sendSnapshotChunk(peer, pr);
                } else if (due) {
                    sendHeartbeat(peer, pr);
                }
            } else if (due) {
                if (!(pr.match() < log.lastIndex() && sendAppend(peer, pr, false))) {
                    sendHeartbeat(peer, pr);
                }
            } else if (round && pr.isPaused()) {
                sendHeartbeat(peer, pr);
            }
        });
    }
}
