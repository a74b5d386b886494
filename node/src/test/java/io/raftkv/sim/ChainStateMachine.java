package io.raftkv.sim;

import io.raftkv.raft.Entry;
import io.raftkv.raft.EntryType;
import io.raftkv.raft.Membership;
import io.raftkv.raft.SnapshotMeta;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/**
 * The simulated application: it folds every applied entry into a hash chain, so its whole state is
 * (applied index, term of that entry, chain value, membership). Its snapshots carry that state plus
 * deterministic padding, so that they span several InstallSnapshot chunks and any corruption or mis-assembly
 * of the bytes is detected on restore.
 */
final class ChainStateMachine {

    private static final int MAGIC = 0x5AFE_C4A1;

    private long appliedIndex;
    private long appliedTerm;
    private long chain = HashChain.EMPTY;
    private Membership membership;

    private ChainStateMachine(Membership membership) {
        this.membership = membership;
    }

    /** The state machine as of the bootstrap "snapshot" at index 0. */
    static ChainStateMachine initial(Membership bootstrap) {
        return new ChainStateMachine(bootstrap);
    }

    /**
     * Restores the state a snapshot describes, or throws {@link InvariantViolation} if the bytes do not match
     * {@code meta} (a core or transfer bug: wrong chunks, wrong order, truncated).
     */
    static ChainStateMachine restore(SnapshotMeta meta, byte[] bytes) {
        if (meta.index() == 0 && bytes.length == 0) {
            return initial(meta.membership());
        }
        try {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            if (buf.getInt() != MAGIC) {
                throw corrupt(meta, "bad magic");
            }
            ChainStateMachine sm = new ChainStateMachine(null);
            sm.appliedIndex = buf.getLong();
            sm.appliedTerm = buf.getLong();
            sm.chain = buf.getLong();
            byte[] m = new byte[buf.getInt()];
            buf.get(m);
            sm.membership = Membership.decode(m);
            byte[] padding = new byte[buf.getInt()];
            buf.get(padding);
            if (buf.hasRemaining()) {
                throw corrupt(meta, buf.remaining() + " trailing bytes");
            }
            if (!java.util.Arrays.equals(padding, padding(sm.chain, padding.length))) {
                throw corrupt(meta, "padding does not match the chain value");
            }
            if (sm.appliedIndex != meta.index() || sm.appliedTerm != meta.term()
                    || !sm.membership.equals(meta.membership())) {
                throw corrupt(meta, "bytes describe index " + sm.appliedIndex + " term " + sm.appliedTerm + " "
                        + sm.membership);
            }
            return sm;
        } catch (RuntimeException e) {
            if (e instanceof InvariantViolation v) {
                throw v;
            }
            throw new InvariantViolation(Property.CORE_CONTRACT, "snapshot " + meta + " is unreadable: " + e, e);
        }
    }

    private static InvariantViolation corrupt(SnapshotMeta meta, String why) {
        return new InvariantViolation(Property.CORE_CONTRACT, "snapshot bytes for " + meta + " are corrupt: " + why);
    }

    /** Applies the next committed entry. */
    void apply(Entry e) {
        appliedIndex = e.index();
        appliedTerm = e.term();
        chain = HashChain.extend(chain, HashChain.entryHash(e));
        if (e.type() == EntryType.MEMBERSHIP) {
            membership = Membership.decode(e.data());
        }
    }

    byte[] snapshotBytes(int paddingBytes) {
        byte[] m = membership.encode();
        ByteBuffer buf = ByteBuffer.allocate(4 + 24 + 4 + m.length + 4 + paddingBytes);
        buf.putInt(MAGIC).putLong(appliedIndex).putLong(appliedTerm).putLong(chain);
        buf.putInt(m.length).put(m);
        buf.putInt(paddingBytes).put(padding(chain, paddingBytes));
        return buf.array();
    }

    SnapshotMeta snapshotMeta(int sizeBytes) {
        return new SnapshotMeta(appliedIndex, appliedTerm, membership, sizeBytes);
    }

    private static byte[] padding(long chain, int n) {
        byte[] b = new byte[n];
        new SplittableRandom(chain).nextBytes(b);
        return b;
    }

    long appliedIndex() {
        return appliedIndex;
    }

    long appliedTerm() {
        return appliedTerm;
    }

    long chain() {
        return chain;
    }

    Membership membership() {
        return membership;
    }
}
