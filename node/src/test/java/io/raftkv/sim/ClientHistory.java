package io.raftkv.sim;

import io.raftkv.raft.Entry;
import io.raftkv.raft.EntryType;
import io.raftkv.raft.ReadState;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * What clients were told, checked against what the cluster did:
 * <ul>
 *   <li>a proposal accepted at (index, term) is either that entry or lost: if an entry with that index and term
 *       is applied, it must be the proposed command;</li>
 *   <li>an acknowledged command stays at its index forever (no node ever applies something else there);</li>
 *   <li>a ReadIndex read is linearizable: its index is at least the highest commit index any node knew when the
 *       read was issued (thesis §6.4), so it reflects every write acknowledged before it.</li>
 * </ul>
 */
final class ClientHistory {

    private static final class PendingRead {
        final long nodeId;
        final long issuedAtCommit;
        final long issuedAtTime;
        ReadState answer;

        PendingRead(long nodeId, long issuedAtCommit, long issuedAtTime) {
            this.nodeId = nodeId;
            this.issuedAtCommit = issuedAtCommit;
            this.issuedAtTime = issuedAtTime;
        }
    }

    private final Map<Long, List<Proposal>> pendingByIndex = new HashMap<>();
    private final Map<Long, Long> acknowledged = new HashMap<>();
    private final Map<Long, PendingRead> reads = new HashMap<>();
    private long maxAcknowledged;
    private long nextReadId = 1;
    private long proposals;
    private long acks;
    private long lost;
    private long readsOk;
    private long readsRefused;
    private long duplicateReadAnswers;

    Proposal accepted(long proposer, long index, long term, byte[] command) {
        Proposal p = new Proposal(proposer, index, term, HashChain.bytesHash(command));
        pendingByIndex.computeIfAbsent(index, i -> new ArrayList<>(2)).add(p);
        proposals++;
        return p;
    }

    /** Called for every entry any node applies, in each node's apply order. */
    void applied(long nodeId, Entry e) {
        long hash = e.type() == EntryType.NORMAL ? HashChain.bytesHash(e.data()) : 0;
        Long ack = acknowledged.get(e.index());
        if (ack != null && (e.type() != EntryType.NORMAL || ack != hash)) {
            throw new InvariantViolation(Property.ACKNOWLEDGED_WRITES_DURABLE, "node " + nodeId + " applied "
                    + e + " at an index where an acknowledged command was applied before");
        }
        List<Proposal> waiting = pendingByIndex.get(e.index());
        if (waiting == null) {
            return;
        }
        for (Iterator<Proposal> it = waiting.iterator(); it.hasNext(); ) {
            Proposal p = it.next();
            if (p.term != e.term()) {
                p.outcome(Proposal.Outcome.LOST);
                lost++;
                it.remove();
                continue;
            }
            if (e.type() != EntryType.NORMAL || p.commandHash != hash) {
                throw new InvariantViolation(Property.CORE_CONTRACT, "node " + p.proposer + " accepted a command at "
                        + p.index + "@" + p.term + " but node " + nodeId + " applied a different entry there: " + e);
            }
            if (p.outcome() == Proposal.Outcome.PENDING) {
                p.outcome(Proposal.Outcome.COMMITTED);
            }
            if (nodeId == p.proposer) {
                p.outcome(Proposal.Outcome.ACKNOWLEDGED);
                acknowledged.put(e.index(), hash);
                maxAcknowledged = Math.max(maxAcknowledged, e.index());
                acks++;
                it.remove();
            }
        }
        if (waiting.isEmpty()) {
            pendingByIndex.remove(e.index());
        }
    }

    /** A client issues a ReadIndex read at a node; returns the request ID to pass to the core. */
    long readIssued(long nodeId, long globalCommit, long now) {
        long id = nextReadId++;
        reads.put(id, new PendingRead(nodeId, globalCommit, now));
        return id;
    }

    void readAnswered(long nodeId, ReadState rs) {
        PendingRead r = reads.get(rs.requestId());
        if (r == null || r.nodeId != nodeId) {
            throw new InvariantViolation(Property.CORE_CONTRACT, "node " + nodeId + " answered read "
                    + rs.requestId() + " that was " + (r == null ? "never issued" : "issued at node " + r.nodeId));
        }
        if (r.answer != null) {
            // A second answer for one request (e.g. a duplicated ReadIndexResponse): the client took the first.
            duplicateReadAnswers++;
            if (rs.status() == ReadState.Status.OK) {
                checkLinearizable(nodeId, rs, r);
            }
            return;
        }
        r.answer = rs;
        if (rs.status() != ReadState.Status.OK) {
            readsRefused++;
            return;
        }
        checkLinearizable(nodeId, rs, r);
        readsOk++;
    }

    private static void checkLinearizable(long nodeId, ReadState rs, PendingRead r) {
        if (rs.index() < r.issuedAtCommit) {
            throw new InvariantViolation(Property.LINEARIZABLE_READS, "node " + nodeId + " served read "
                    + rs.requestId() + " (issued at t=" + r.issuedAtTime + ") at index " + rs.index()
                    + ", but index " + r.issuedAtCommit + " was already committed when the read was issued");
        }
    }

    long maxAcknowledged() {
        return maxAcknowledged;
    }

    long acks() {
        return acks;
    }

    long readsOk() {
        return readsOk;
    }
}
