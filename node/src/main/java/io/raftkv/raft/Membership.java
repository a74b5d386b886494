package io.raftkv.raft;

import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * A cluster configuration: the voters (whose majority commits entries and elects leaders), the learners
 * (which replicate but do not vote), and the IDs that were members once and were removed. Retired IDs
 * can never join again: a node that lost its disk must come back under a new ID, or it could vote twice
 * in one term.
 *
 * <p>Changes are made one server at a time (Ongaro's thesis §4.1), so any two consecutive configurations
 * have overlapping majorities.
 */
public record Membership(Set<Long> voters, Set<Long> learners, Set<Long> retired) {

    public static final Membership EMPTY = new Membership(Set.of(), Set.of(), Set.of());

    public Membership {
        // Sorted, so every iteration over members is in the same order in every JVM (deterministic replay).
        voters = Collections.unmodifiableSortedSet(new TreeSet<>(voters));
        learners = Collections.unmodifiableSortedSet(new TreeSet<>(learners));
        retired = Collections.unmodifiableSortedSet(new TreeSet<>(retired));
        for (Long id : voters) {
            if (learners.contains(id) || retired.contains(id)) {
                throw new IllegalArgumentException("node " + id + " is a voter and also a learner or retired");
            }
        }
        for (Long id : learners) {
            if (retired.contains(id)) {
                throw new IllegalArgumentException("node " + id + " is a learner and retired");
            }
        }
    }

    public static Membership ofVoters(Set<Long> voters) {
        return new Membership(voters, Set.of(), Set.of());
    }

    public boolean isVoter(long id) {
        return voters.contains(id);
    }

    public boolean isLearner(long id) {
        return learners.contains(id);
    }

    public boolean isMember(long id) {
        return voters.contains(id) || learners.contains(id);
    }

    /** Every member, voters and learners, in ascending ID order. */
    public Set<Long> members() {
        TreeSet<Long> all = new TreeSet<>(voters);
        all.addAll(learners);
        return all;
    }

    /** The size of a majority of voters. */
    public int quorum() {
        return voters.size() / 2 + 1;
    }

    /** Applies one change, or throws {@link IllegalArgumentException} naming why it is not allowed. */
    public Membership apply(MembershipChange change) {
        long id = change.nodeId();
        switch (change.kind()) {
            case ADD_LEARNER -> {
                if (retired.contains(id)) {
                    throw new IllegalArgumentException("node ID " + id + " was removed before; IDs are never reused");
                }
                if (isMember(id)) {
                    throw new IllegalArgumentException("node " + id + " is already a member");
                }
                Set<Long> l = new TreeSet<>(learners);
                l.add(id);
                return new Membership(voters, l, retired);
            }
            case PROMOTE -> {
                if (!learners.contains(id)) {
                    throw new IllegalArgumentException("node " + id + " is not a learner");
                }
                Set<Long> l = new TreeSet<>(learners);
                l.remove(id);
                Set<Long> v = new TreeSet<>(voters);
                v.add(id);
                return new Membership(v, l, retired);
            }
            case REMOVE -> {
                if (!isMember(id)) {
                    throw new IllegalArgumentException("node " + id + " is not a member");
                }
                if (voters.contains(id) && voters.size() == 1) {
                    throw new IllegalArgumentException("cannot remove the last voter " + id);
                }
                Set<Long> v = new TreeSet<>(voters);
                v.remove(id);
                Set<Long> l = new TreeSet<>(learners);
                l.remove(id);
                Set<Long> r = new TreeSet<>(retired);
                r.add(id);
                return new Membership(v, l, r);
            }
            default -> throw new IllegalArgumentException("unknown change " + change);
        }
    }

    public byte[] encode() {
        ByteBuffer buf = ByteBuffer.allocate(12 + 8 * (voters.size() + learners.size() + retired.size()));
        putSet(buf, voters);
        putSet(buf, learners);
        putSet(buf, retired);
        return buf.array();
    }

    public static Membership decode(byte[] bytes) {
        try {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            Set<Long> v = getSet(buf);
            Set<Long> l = getSet(buf);
            Set<Long> r = getSet(buf);
            if (buf.hasRemaining()) {
                throw new IllegalArgumentException("trailing bytes in membership");
            }
            return new Membership(v, l, r);
        } catch (java.nio.BufferUnderflowException | NegativeArraySizeException e) {
            throw new IllegalArgumentException("truncated membership encoding", e);
        }
    }

    private static void putSet(ByteBuffer buf, Set<Long> ids) {
        buf.putInt(ids.size());
        for (Long id : new TreeSet<>(ids)) {
            buf.putLong(id);
        }
    }

    private static Set<Long> getSet(ByteBuffer buf) {
        int n = buf.getInt();
        if (n < 0 || n > buf.remaining() / 8) {
            throw new IllegalArgumentException("bad member count " + n);
        }
        Set<Long> s = new TreeSet<>();
        for (int i = 0; i < n; i++) {
            s.add(buf.getLong());
        }
        return s;
    }

    @Override
    public String toString() {
        return "Membership{voters=" + new TreeSet<>(voters) + ", learners=" + new TreeSet<>(learners)
                + (retired.isEmpty() ? "" : ", retired=" + new TreeSet<>(retired)) + "}";
    }
}
