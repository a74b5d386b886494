package io.raftkv.sim;

import io.raftkv.raft.MembershipChange;
import io.raftkv.raft.ProposeResult;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deterministic reproductions of open bugs the simulator found in the Raft core (README.md, "Findings"). Each
 * states what Raft requires and fails until the core is fixed; then it moves to {@link CoreRegressionTest}.
 */
class KnownCoreBugsTest {

    private static final int BOUND = 100;

    /**
     * A leader that removed itself and crashed before the new configuration left its disk must not leave the
     * cluster without a leader forever. In a 2-voter cluster {L, F}, L appends C_new = {F} (effective at once,
     * thesis §4.1) and crashes before F receives it. After the restart L's latest configuration is {F}, so L never
     * campaigns (it is no voter there); F, still on {L, F}, needs L's vote, which L refuses because its log is more
     * up to date. Nobody can ever lead. etcd avoids this because a configuration takes effect when applied; within
     * the thesis' rules, L could campaign for the configuration it holds, as a leader that manages a cluster that
     * does not include itself (thesis §4.2.2), commit C_new, then step down.
     *
     * <p>Sweep seeds (2,000-seed default sweep) that end this way: 3304236983009933198, 2941163489505004394,
     * -2975672501995112997, -8743480598314913757 (all start with 1 or 2 voters; the last one ends with three
     * different configurations, the most up-to-date node being the removed leader).
     */
    @Test
    void aLeaderThatRemovedItselfAndRestartedDoesNotLeaveTheClusterLeaderless() {
        Cluster c = new Cluster(4, 2, SimSettings.defaults()).start();
        c.play(() -> {
            c.runUntil(c::hasLeader, BOUND, "a leader");
            long leader = c.leaderId();
            long follower = c.otherIds(leader)[0];
            Proposal warmUp = c.propose(leader);
            c.runUntil(() -> c.allMembersApplied(warmUp.index), BOUND, "a first write everywhere");

            c.cut(leader).to(follower); // the removal entry will not reach the follower
            ProposeResult removal = c.changeMembership(MembershipChange.remove(leader));
            assertThat(removal.accepted()).isTrue();
            c.runUntil(() -> c.node(leader).raft().status().persistedIndex() >= removal.index(), BOUND,
                    "the removal durable on the leader only");
            c.crash(leader);
            c.restart(leader);
            c.healLinks();

            c.runUntil(c::hasLeader, 2 * BOUND, "a leader again, with every node up and every link working");
            c.awaitLiveness(SimulationRun.LIVENESS_TICKS);
        });
    }
}
