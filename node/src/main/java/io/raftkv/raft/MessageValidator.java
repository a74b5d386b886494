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

import static io.raftkv.raft.RaftNode.NONE;

/**
 * The gate in front of {@link RaftNode#step}: a message that fails it is dropped and counted before it can change
 * any state, so a malformed or hostile peer message never reaches the protocol's rules.
 */
final class MessageValidator {
    private final long self;
    private final long maxIncomingEntryBytes;

    MessageValidator(long self, long maxIncomingEntryBytes) {
        this.self = self;
        this.maxIncomingEntryBytes = maxIncomingEntryBytes;
    }

    /**
     * Rejects what no correct peer sends: wrong addressee, impossible indexes or terms, oversized batches,
     * and messages from nodes outside the configuration (except a leader's, which a lagging or joining node
     * must accept to learn the configuration that includes that leader).
     */
    boolean isWellFormed(Message m, Membership membership, long leader) {
        if (m == null || m.to() != self || m.from() == self || m.from() == NONE || m.term() < 0) {
            return false;
        }
        return switch (m.accept(contentCheck)) {
            case MALFORMED -> false;
            case ANY_SENDER -> true;
            case MEMBER -> membership.isMember(m.from());
            // A leader that removed itself hands over with TimeoutNow: it is retired in the new configuration.
            case LEADER_OR_NOT_RETIRED -> m.from() == leader || !membership.retired().contains(m.from());
        };
    }

    /** Who may send a message whose content is well formed. */
    private enum Verdict { MALFORMED, ANY_SENDER, MEMBER, LEADER_OR_NOT_RETIRED }

    /** Checks each kind's content and says who may send it; a new kind must be added here to compile. */
    private final Message.Visitor<Verdict> contentCheck = new Message.Visitor<>() {
        @Override
        public Verdict onAppendEntries(AppendEntries a) {
            // A leader's message: a node outside the configuration must still learn from its leader.
            return wellFormedAppend(a) ? Verdict.ANY_SENDER : Verdict.MALFORMED;
        }

        @Override
        public Verdict onHeartbeat(Heartbeat h) {
            return h.commit() >= 0 ? Verdict.ANY_SENDER : Verdict.MALFORMED;
        }

        @Override
        public Verdict onInstallSnapshot(InstallSnapshot s) {
            boolean ok = s.meta() != null && s.meta().index() > 0 && s.meta().term() <= s.term()
                    && s.offset() >= 0 && s.data() != null && s.data().length <= maxIncomingEntryBytes
                    && s.offset() + s.data().length <= s.meta().sizeBytes() && s.meta().membership() != null;
            return ok ? Verdict.ANY_SENDER : Verdict.MALFORMED;
        }

        @Override
        public Verdict onVoteRequest(VoteRequest r) {
            // Thesis §4.1: process votes without consulting the configuration — even from a removed node: a
            // leader that removed itself must be able to win again to commit its removal (see
            // ConfigHistory.mayCampaign). Votes are counted only within the candidate's configuration, and
            // PreVote and the leader lease keep removed or unknown nodes from disrupting a healthy cluster.
            boolean ok = r.lastLogIndex() >= 0 && r.lastLogTerm() >= 0 && r.lastLogTerm() <= r.term();
            return ok ? Verdict.ANY_SENDER : Verdict.MALFORMED;
        }

        @Override
        public Verdict onVoteResponse(VoteResponse r) {
            return Verdict.ANY_SENDER;
        }

        @Override
        public Verdict onAppendResponse(AppendResponse r) {
            return r.index() >= 0 && r.hintIndex() >= 0 && r.hintTerm() >= 0 ? Verdict.MEMBER : Verdict.MALFORMED;
        }

        @Override
        public Verdict onHeartbeatResponse(HeartbeatResponse r) {
            return Verdict.MEMBER;
        }

        @Override
        public Verdict onSnapshotResponse(SnapshotResponse r) {
            return r.nextOffset() >= 0 ? Verdict.MEMBER : Verdict.MALFORMED;
        }

        @Override
        public Verdict onTimeoutNow(TimeoutNow t) {
            return Verdict.LEADER_OR_NOT_RETIRED;
        }

        @Override
        public Verdict onReadIndexRequest(ReadIndexRequest r) {
            return Verdict.MEMBER;
        }

        @Override
        public Verdict onReadIndexResponse(ReadIndexResponse r) {
            return r.index() >= 0 ? Verdict.ANY_SENDER : Verdict.MALFORMED;
        }
    };

    private boolean wellFormedAppend(AppendEntries a) {
        if (a.prevIndex() < 0 || a.prevTerm() < 0 || a.prevTerm() > a.term() || a.commit() < 0) {
            return false;
        }
        long expected = a.prevIndex() + 1;
        long lastTerm = a.prevTerm();
        long bytes = 0;
        for (Entry e : a.entries()) {
            if (e.index() != expected++ || e.term() < lastTerm || e.term() > a.term()) {
                return false;
            }
            lastTerm = e.term();
            bytes += e.sizeBytes();
            if (e.type() == EntryType.MEMBERSHIP && !isValidMembership(e.data())) {
                return false;
            }
        }
        return bytes <= maxIncomingEntryBytes;
    }

    private static boolean isValidMembership(byte[] data) {
        try {
            return !Membership.decode(data).voters().isEmpty();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
