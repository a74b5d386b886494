package io.raftkv.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.raftkv.operator.crd.RaftKVClusterStatus;
import io.raftkv.operator.raft.NodeReport;
import io.raftkv.operator.raft.RaftAdminException;
import io.raftkv.operator.status.ClusterStatusBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntPredicate;

/**
 * Runs the planner against a {@link SimulatedCluster} the way the reconciler does: observe (with the recorded
 * status), decide, act, record status, let time pass. Checks the safety invariants at every step.
 */
final class Driver {

    final SimulatedCluster world = new SimulatedCluster();
    final Planner planner = new Planner(1000);
    RaftKVClusterStatus status = new RaftKVClusterStatus();
    int desired = 3;
    boolean force;
    boolean deleteClaims = true;
    /** Ordinals whose claim predates the cluster resource (a deleted cluster's), and whether to adopt them. */
    java.util.Set<Integer> foreignClaims = java.util.Set.of();
    boolean adoptClaims;
    List<String> specProblems = List.of();
    StorageView storage = StorageView.NONE;
    /** Steps whose status write is lost, as if the operator died right after acting. */
    IntPredicate statusLostAt = step -> false;
    /** Steps whose action is executed twice, as if a retry repeated it. */
    IntPredicate repeatedAt = step -> false;
    final List<Decision> decisions = new ArrayList<>();
    private int step;
    private Instant now = Instant.parse("2025-01-01T00:00:00Z");

    Decision decide() {
        return planner.decide(observe());
    }

    Observation observe() {
        return world.observe(desired, force, deleteClaims,
                ClusterStatusBuilder.knownMembers(status, SimulatedCluster.NAME),
                Boolean.TRUE.equals(status.getBootstrapped()), ClusterStatusBuilder.lastStep(status))
                .withContext(new Observation.Context(SimulatedCluster.NAME, foreignClaims, adoptClaims, specProblems,
                        Boolean.TRUE.equals(status.getForceScaleDownUsed()), storage));
    }

    /** One reconcile pass and one tick. */
    Decision pass() {
        Decision d = decide();
        decisions.add(d);
        checkSafety(d);
        try {
            world.apply(d.action());
            if (repeatedAt.test(step) && !(d.action() instanceof Action.None)) {
                try {
                    world.apply(d.action());
                } catch (RaftAdminException e) {
                    // a repeated membership call may be refused ("already a member"): harmless
                }
            }
        } catch (RaftAdminException e) {
            fail("step " + step + ": " + d.action() + " was refused by the cluster: " + e.getMessage());
        }
        if (!statusLostAt.test(step)) {
            status = ClusterStatusBuilder.build(status, 1, d, Optional.empty(), SimulatedCluster::podName, now);
        }
        if (d.clearForceScaleDown()) {
            force = false; // the reconciler removes the annotation
        }
        world.tick();
        now = now.plusSeconds(1);
        step++;
        return d;
    }

    /** Passes until the cluster converged on the spec and the planner is idle. */
    List<Action> runUntilSteady(int maxSteps) {
        List<Action> actions = new ArrayList<>();
        for (int i = 0; i < maxSteps; i++) {
            Decision d = pass();
            if (!(d.action() instanceof Action.None)) {
                actions.add(d.action());
            }
            if (d.isWait() && d.progress() == Progress.Idle && world.converged(desired)) {
                return actions;
            }
        }
        return fail("not steady after " + maxSteps + " steps; last decisions: "
                + decisions.subList(Math.max(0, decisions.size() - 3), decisions.size()).stream()
                .map(x -> x.action() + " " + x.progress() + ": " + x.message()).toList()
                + "\nactions " + world.log);
    }

    private void checkSafety(Decision d) {
        Action a = d.action();
        int quorum = NodeReport.quorum(world.voters.size());
        if (a instanceof Action.ScaleStatefulSet s && world.stsReplicas != null) {
            assertThat(Math.abs(s.replicas() - world.stsReplicas)).as("StatefulSet moves one member at a time")
                    .isLessThanOrEqualTo(1);
            if (s.replicas() < world.stsReplicas) {
                assertThat(desired).as("shrinks only towards spec.replicas").isLessThan(world.stsReplicas);
            }
        }
        if (a instanceof Action.AddLearner || a instanceof Action.PromoteLearner || a instanceof Action.RemoveMember) {
            assertThat(world.configCommitted).as("one membership change at a time").isTrue();
        }
        if (world.upVoters() < quorum) {
            // Quorum is already lost (an injected fault): only restarts of dead, outdated pods are allowed.
            if (a instanceof Action.RestartPod r) {
                SimulatedCluster.Pod p = world.pods.get(r.ordinal());
                assertThat(world.ready(p)).as("only a pod that is not ready is restarted without quorum").isFalse();
            } else {
                assertThat(a).as("nothing disruptive without quorum").isInstanceOfAny(Action.None.class,
                        Action.ScaleStatefulSet.class, Action.AddLearner.class, Action.DeleteVolumeClaim.class);
            }
            return;
        }
        Long target = null;
        if (a instanceof Action.RestartPod r) {
            target = nodeAt(r.ordinal());
        } else if (a instanceof Action.WipeMember w) {
            target = nodeAt(w.ordinal());
        } else if (a instanceof Action.RemoveMember r) {
            target = r.nodeId();
        }
        boolean restartOfTinyCluster = a instanceof Action.RestartPod && world.voters.size() <= 2;
        if (target != null && world.voters.contains(target) && !restartOfTinyCluster) {
            long t = target;
            int upOthers = (int) world.voters.stream().filter(v -> v != t).filter(world::upVoter).count();
            int votersAfter = a instanceof Action.RemoveMember ? world.voters.size() - 1 : world.voters.size();
            assertThat(upOthers).as("%s leaves a majority of voters up", a)
                    .isGreaterThanOrEqualTo(NodeReport.quorum(votersAfter));
        }
        if (a instanceof Action.RestartPod r && world.voters.size() > 2) {
            assertThat(nodeAt(r.ordinal())).as("the leader is never restarted while it leads").isNotEqualTo(world.leader);
        }
    }

    private Long nodeAt(int ordinal) {
        SimulatedCluster.Pod p = world.pods.get(ordinal);
        return p == null || !p.started ? null : p.nodeId;
    }

    /** Bootstraps a steady cluster of {@code size} members. */
    static Driver steady(int size) {
        Driver d = new Driver();
        d.desired = size;
        d.runUntilSteady(50 * size);
        d.decisions.clear();
        d.world.log.clear();
        return d;
    }
}
