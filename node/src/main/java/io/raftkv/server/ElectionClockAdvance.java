package io.raftkv.server;

import io.raftkv.raft.Membership;
import io.raftkv.raft.RaftNode;
import io.raftkv.runtime.RaftRuntime;

import java.util.function.IntConsumer;
import java.util.function.LongPredicate;
import java.util.function.Supplier;

/**
 * Shortens the wait for the first election after a node starts, as etcd's initial-election-tick-advance does.
 * A starting node has no leader to wait for when the whole cluster starts, yet it would sit out a full
 * randomized election timeout. So once enough peers are reachable to form a quorum with this node, its election
 * clock jumps forward by all but two ticks of the base timeout. The randomized part of the timeout is kept, so
 * the nodes still time out at different moments (Raft §5.2).
 *
 * <p>A node that restarts into a running cluster hears its leader's heartbeat (one tick) before its advanced clock
 * runs out (two ticks or more); if it did not, PreVote (thesis §9.6) keeps its early campaign from disturbing the
 * others, who still hear from their leader. Without enough reachable peers nothing is advanced, because an
 * election could not succeed anyway.
 */
final class ElectionClockAdvance {
    private final long self;
    private final Supplier<RaftRuntime.View> view;
    private final Supplier<Membership> membership;
    private final LongPredicate reachable;
    private final IntConsumer advance;
    private final int electionTicks;
    private int attemptsLeft;

    /**
     * @param reachable   whether a peer is reachable now
     * @param advance     moves the election clock forward by that many ticks
     * @param maxAttempts how many times {@link #attempt()} may find too few peers before giving up
     */
    ElectionClockAdvance(long self, Supplier<RaftRuntime.View> view, Supplier<Membership> membership,
                         LongPredicate reachable, IntConsumer advance, int electionTicks, int maxAttempts) {
        this.self = self;
        this.view = view;
        this.membership = membership;
        this.reachable = reachable;
        this.advance = advance;
        this.electionTicks = electionTicks;
        this.attemptsLeft = maxAttempts;
    }

    /** Checks once; returns true when done (advanced, not needed, or given up) and should not be called again. */
    boolean attempt() {
        Membership m = membership.get();
        if (view.get().leader() != RaftNode.NONE || !m.isVoter(self) || attemptsLeft <= 0) {
            return true;
        }
        attemptsLeft--;
        long peersUp = m.voters().stream().filter(id -> id != self && reachable.test(id)).count();
        if (peersUp + 1 < m.quorum()) {
            return false;
        }
        int ticks = m.voters().size() == 1 ? electionTicks - 1 : electionTicks - 2;
        if (ticks > 0) {
            advance.accept(ticks);
        }
        return true;
    }
}
