package io.raftkv.raft;

import io.raftkv.raft.message.AppendEntries;
import io.raftkv.raft.message.AppendResponse;
import io.raftkv.raft.message.Heartbeat;
import io.raftkv.raft.message.InstallSnapshot;
import io.raftkv.raft.message.Message;
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
        boolean member = membership.isMember(m.from());
        boolean retired = membership.retired().contains(m.from());
        if (m instanceof AppendEntries a) {
            return wellFormedAppend(a);
        } else if (m instanceof Heartbeat h) {
            return h.commit() >= 0;
        } else if (m instanceof InstallSnapshot s) {
            return s.meta() != null && s.meta().index() > 0 && s.meta().term() <= s.term()
                    && s.offset() >= 0 && s.data() != null && s.data().length <= maxIncomingEntryBytes
                    && s.offset() + s.data().length <= s.meta().sizeBytes() && s.meta().membership() != null;
        } else if (m instanceof VoteRequest r) {
            // Thesis §4.1: process votes without consulting the configuration — even from a removed node: a
            // leader that removed itself must be able to win again to commit its removal (see promotable()).
            // Votes are counted only within the candidate's configuration, and PreVote and the leader lease
            // keep removed or unknown nodes from disrupting a healthy cluster.
            return r.lastLogIndex() >= 0 && r.lastLogTerm() >= 0 && r.lastLogTerm() <= r.term();
        } else if (m instanceof VoteResponse) {
            return true;
        } else if (m instanceof AppendResponse r) {
            return member && r.index() >= 0 && r.hintIndex() >= 0 && r.hintTerm() >= 0;
        } else if (m instanceof SnapshotResponse r) {
            return member && r.nextOffset() >= 0;
        } else if (m instanceof TimeoutNow) {
            // A leader that removed itself hands over with TimeoutNow: it is retired in the new configuration.
            return m.from() == leader || !retired;
        } else if (m instanceof ReadIndexResponse r) {
            return r.index() >= 0;
        }
        return member; // HeartbeatResponse, ReadIndexRequest
    }

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
