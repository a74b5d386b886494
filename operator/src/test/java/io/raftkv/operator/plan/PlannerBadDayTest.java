package io.raftkv.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftkv.operator.raft.NodeReport;
import io.raftkv.operator.raft.RaftRole;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The rules for a bad day: claims of a deleted cluster, a spec that cannot be applied, quorum rules of
 * scaling, and status that says only what is true (no warning for the operator's own planned steps).
 */
class PlannerBadDayTest {

    // --- delete and recreate

    @Test
    void aNewClusterRefusesTheClaimsOfADeletedClusterOfTheSameName() {
        Driver d = new Driver();
        d.world.claims.put(0, new long[] {42, 900});
        d.world.claims.put(1, new long[] {43, 900});
        d.foreignClaims = Set.of(0, 1);
        Decision decision = d.pass();
        assertThat(decision.action()).as("no pod may start on another cluster's disk").isInstanceOf(Action.None.class);
        assertThat(decision.progress()).isEqualTo(Progress.Blocked);
        assertThat(decision.bootstrapped()).isFalse();
        assertThat(decision.findings()).anyMatch(f -> f.reason().equals("ForeignVolumeClaims") && f.degraded()
                && f.message().contains("kubectl delete pvc data-demo-0 data-demo-1")
                && f.message().contains("raftkv.io/adopt-volume-claims=true"));
        assertThat(d.world.stsReplicas).isNull();
    }

    @Test
    void adoptedClaimsComeBackWithEveryPodThatHasOne() {
        Driver d = new Driver();
        d.foreignClaims = Set.of(0, 1, 2);
        d.adoptClaims = true;
        Decision decision = d.decide();
        assertThat(decision.action()).isEqualTo(new Action.ScaleStatefulSet(3));
        assertThat(decision.bootstrapped()).as("the ConfigMap says existing: no pod bootstraps anew").isTrue();
    }

    @Test
    void onceBootstrappedTheClusterNoLongerLooksAtClaimAges() {
        Driver d = Driver.steady(3);
        d.foreignClaims = Set.of(0); // e.g. adopted earlier
        assertThat(d.decide().progress()).isEqualTo(Progress.Idle);
    }

    // --- refused specs

    @Test
    void anInvalidSpecCreatesNothingAndSaysWhy() {
        Driver d = new Driver();
        d.specProblems = List.of("spec.resources.requests.cpu (2) must not exceed spec.resources.limits.cpu (1)");
        Decision decision = d.decide();
        assertThat(decision.action()).isInstanceOf(Action.None.class);
        assertThat(decision.progress()).isEqualTo(Progress.Blocked);
        assertThat(decision.findings()).anyMatch(f -> f.reason().equals("InvalidSpec") && f.degraded()
                && f.message().contains("limits.cpu"));
    }

    @Test
    void anInvalidSpecStillLetsTheOperatorReplaceALostMember() {
        Driver d = Driver.steady(3);
        d.specProblems = List.of("spec.raft.electionTimeoutMillis (150) must be at least twice ...");
        long lost = d.world.nodeIds().get(2);
        d.world.loseDisk(2);
        d.runUntilSteady(100);
        assertThat(d.world.voters).hasSize(3).doesNotContain(lost);
    }

    @Test
    void claimsGrowOneAtATimeWhereTheStorageClassAllowsIt() {
        Driver d = Driver.steady(3);
        d.storage = new StorageView(2L << 30, Map.of(0, 1L << 30, 1, 1L << 30, 2, 1L << 30), true, "fast");
        Decision decision = d.decide();
        assertThat(decision.action()).isEqualTo(new Action.ExpandVolumeClaim(0));
        assertThat(decision.progress()).isEqualTo(Progress.ExpandingVolumes);
    }

    @Test
    void aStorageClassWithoutExpansionOrAShrinkIsRefusedWithAReason() {
        Driver d = Driver.steady(3);
        d.storage = new StorageView(2L << 30, Map.of(0, 1L << 30, 1, 1L << 30, 2, 1L << 30), false, "standard");
        Decision noExpansion = d.decide();
        assertThat(noExpansion.action()).isInstanceOf(Action.None.class);
        assertThat(noExpansion.findings()).anyMatch(f -> f.reason().equals("StorageResizeRefused")
                && f.message().contains("standard") && f.message().contains("allowVolumeExpansion"));

        d.storage = new StorageView(1L << 29, Map.of(0, 1L << 30, 1, 1L << 30, 2, 1L << 30), true, "fast");
        Decision shrink = d.decide();
        assertThat(shrink.action()).isInstanceOf(Action.None.class);
        assertThat(shrink.findings()).anyMatch(f -> f.reason().equals("StorageResizeRefused")
                && f.message().contains("cannot shrink"));
    }

    // --- quorum rules

    @Test
    void theForceAnnotationCoversOneScaleDownAndIsThenCleared() {
        Driver d = Driver.steady(5);
        d.world.crash(1);
        d.force = true;
        d.desired = 3;
        boolean usedOnTheWay = false;
        for (int i = 0; i < 100 && d.force; i++) {
            Decision decision = d.pass();
            usedOnTheWay |= decision.forceScaleDownUsed();
        }
        assertThat(usedOnTheWay).isTrue();
        assertThat(d.force).as("cleared once the forced scale-down is done").isFalse();
        assertThat(d.world.stsReplicas).isEqualTo(3);

        d.desired = 2; // a later scale-down with member 1 still down is refused again
        Decision later = d.pass();
        assertThat(later.progress()).isEqualTo(Progress.Blocked);
        assertThat(later.findings()).anyMatch(f -> f.reason().equals("ScaleDownRefused"));
    }

    @Test
    void anAnnotationSetBeforeTheScaleDownIsKeptUntilItIsUsed() {
        Driver d = Driver.steady(3);
        d.force = true;
        d.pass();
        d.pass();
        assertThat(d.force).isTrue();
    }

    @Test
    void oneOrTwoMembersAreAcceptedWithAWarningThatNoFailureIsTolerated() {
        Driver d = Driver.steady(3);
        d.desired = 1;
        d.runUntilSteady(100);
        Decision decision = d.decide();
        assertThat(decision.findings()).anyMatch(f -> f.reason().equals("NoFaultTolerance") && !f.degraded()
                && f.message().contains("1 member tolerates no failure"));
        assertThat(d.status.getFaultTolerance()).isZero();
        assertThat(Driver.steady(3).status.getFaultTolerance()).isEqualTo(1);
    }

    @Test
    void scaleUpWaitsWhileAVoterIsUnreachable() {
        Driver d = Driver.steady(3);
        d.world.crash(2);
        d.desired = 5;
        Decision decision = d.pass();
        assertThat(decision.action()).isInstanceOf(Action.None.class);
        assertThat(decision.progress()).isEqualTo(Progress.Blocked);
        assertThat(decision.findings()).anyMatch(f -> f.reason().equals("ScaleUpBlocked"));
        assertThat(d.world.stsReplicas).isEqualTo(3);
        d.world.recover(2);
        d.runUntilSteady(200);
        assertThat(d.world.voters).hasSize(5);
    }

    @Test
    void anEmptyLearnerIsNotCaughtUpEvenWhenTheLogIsShorterThanTheLagLimit() {
        NodeReport leader = new NodeReport(1, RaftRole.LEADER, 2, 1, 40, 40, Set.of(1L), Set.of(2L), Set.of(), true);
        // Added as a learner, but it has not received that entry yet: it knows no configuration.
        NodeReport empty = new NodeReport(2, RaftRole.NONE, 0, 0, 0, 0, Set.of(), Set.of(), Set.of(), false);
        Observation o = new Observation(2, false, true, Optional.of(new StatefulSetView(2, true, "r")),
                Map.of(0, new PodView(0, "demo-0", true, false, "r", Optional.of(leader)),
                        1, new PodView(1, "demo-1", true, false, "r", Optional.of(empty))),
                Set.of(0, 1), Map.of(1L, 0, 2L, 1), true);
        Decision decision = new Planner(1000).decide(o);
        assertThat(decision.action()).isNotInstanceOf(Action.PromoteLearner.class);
        assertThat(decision.progress()).isEqualTo(Progress.LearnerCatchingUp);
        assertThat(decision.message()).contains("has not received the configuration that added it");
    }

    // --- status truth

    @Test
    void plannedStepsRaiseNoWarningAndNeverLookIdleBeforeTheyAreDone() {
        Driver d = Driver.steady(3);
        d.world.changeTemplate("rev-2");
        d.runUntilSteady(200);
        d.desired = 5;
        d.runUntilSteady(300);
        d.desired = 3;
        d.runUntilSteady(300);
        List<String> degrading = new ArrayList<>();
        for (Decision x : d.decisions) {
            x.findings().stream().filter(Finding::degraded).forEach(f -> degrading.add(f.reason() + ": " + f.message()));
        }
        assertThat(degrading).as("warnings during planned operations").isEmpty();
        List<Decision> idleWhileUnhealthy = d.decisions.stream().filter(x -> x.progress() == Progress.Idle)
                .filter(x -> x.view().voters().stream().anyMatch(id -> !x.view().isHealthy(id))).toList();
        assertThat(idleWhileUnhealthy).as("Idle while a restarted member is not back").isEmpty();
    }

    @Test
    void aMemberThatFailsAfterItsRestartFinishedIsReportedAgain() {
        Driver d = Driver.steady(3);
        d.world.changeTemplate("rev-2");
        d.runUntilSteady(200);
        assertThat(d.status.getOperation().getFinishedAt()).isNotNull();
        String lastRestarted = d.status.getOperation().getPod();
        d.world.crash(Integer.parseInt(lastRestarted.substring(lastRestarted.lastIndexOf('-') + 1)));
        d.pass();
        Decision decision = d.pass();
        assertThat(decision.findings()).anyMatch(f -> f.reason().equals("MemberUnhealthy"));
    }
}
