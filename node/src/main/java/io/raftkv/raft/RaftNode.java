package io.raftkv.raft;

import io.raftkv.raft.message.Message;

/** Placeholder: the implementation lands in the next commit. */
public final class RaftNode {
    /** "No node": no vote cast, no leader known. */
    public static final long NONE = 0;

    private RaftNode() {
    }

    public static RaftNode start(RaftConfig config, RecoveredState state, SnapshotReader snapshots) {
        throw new UnsupportedOperationException("not yet");
    }

    public long id() { throw new UnsupportedOperationException(); }
    public void tick() { throw new UnsupportedOperationException(); }
    public void step(Message m) { throw new UnsupportedOperationException(); }
    public ProposeResult propose(byte[] command) { throw new UnsupportedOperationException(); }
    public ProposeResult proposeMembership(MembershipChange change) { throw new UnsupportedOperationException(); }
    public void readIndex(long requestId) { throw new UnsupportedOperationException(); }
    public TransferResult transferLeadership(long target) { throw new UnsupportedOperationException(); }
    public boolean hasReady() { throw new UnsupportedOperationException(); }
    public Ready ready() { throw new UnsupportedOperationException(); }
    public void persisted(Ready ready) { throw new UnsupportedOperationException(); }
    public void applied(long index) { throw new UnsupportedOperationException(); }
    public void compact(SnapshotMeta snapshot, long retainEntries) { throw new UnsupportedOperationException(); }
    public NodeStatus status() { throw new UnsupportedOperationException(); }
    public Role role() { throw new UnsupportedOperationException(); }
    public long term() { throw new UnsupportedOperationException(); }
    public long leader() { throw new UnsupportedOperationException(); }
    public long commitIndex() { throw new UnsupportedOperationException(); }
    public Membership membership() { throw new UnsupportedOperationException(); }
}
