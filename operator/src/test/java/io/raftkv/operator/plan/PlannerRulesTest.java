package io.raftkv.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftkv.operator.crd.RaftKVClusterStatus;
import io.raftkv.operator.plan.Action.RemoveMember;
import io.raftkv.operator.plan.Action.ScaleStatefulSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Single decisions on hand-made situations: the edge cases of each rule. */
class PlannerRulesTest {

    @Test
    void aNewClusterStartsWithOnePod() {
        Driver d = new Driver();
        Decision first = d.decide();
        assertThat(first.action()).isEqualTo(new ScaleStatefulSet(1));
        assertThat(first.progress()).isEqualTo(Progress.Bootstrapping);
        assertThat(first.bootstrapped()).isFalse();
    }

    @Test
    void beforeBootstrapItWaitsForPodZeroAndNeverShrinks() {
        Driver d = new Driver();
        d.world.stsReplicas = 3; // e.g. status was lost and no node answers
        d.world.tick();
        d.world.pods.values().forEach(p -> p.crashed = true);
        d.world.voters.clear();
        d.world.leader = 0;
        Decision decision = d.decide();
        assertThat(decision.action()).isInstanceOf(Action.None.class);
        assertThat(decision.progress()).isEqualTo(Progress.Bootstrapping);
    }

    @Test
    void aStatefulSetDeletedUnderARunningClusterComesBackWithEveryMembersPod() {
        Driver d = Driver.steady(3);
        Map<Long, Integer> known = new HashMap<>(
                io.raftkv.operator.status.ClusterStatusBuilder.knownMembers(d.status, SimulatedCluster.NAME));
        d.world.stsReplicas = null;
        Observation o = d.world.observe(3, false, true, known, true);
        Decision decision = d.planner.decide(o);
        assertThat(decision.action()).as("not one pod: the others would be removed as orphans")
                .isEqualTo(new ScaleStatefulSet(3));
    }

    @Test
    void aNodeThatReportsItJoinedCountsAsBootstrappedEvenIfStatusWasLost() {
        Driver d = Driver.steady(3);
        d.status = new RaftKVClusterStatus();
        Decision decision = d.decide();
        assertThat(decision.bootstrapped()).isTrue();
        assertThat(decision.action()).isInstanceOf(Action.None.class);
        assertThat(decision.progress()).isEqualTo(Progress.Idle);
    }

    @Test
    void aMemberNoPodIsKnownToRunIsReportedButNeverRemoved() {
        Driver d = Driver.steady(3);
        d.world.voters.add(999L);
        d.world.learners.add(998L);
        Decision decision = d.decide();
        assertThat(decision.action()).isNotInstanceOf(RemoveMember.class);
        assertThat(decision.findings()).filteredOn(f -> f.reason().equals("UnknownMember")).hasSize(2);
    }

    @Test
    void aMemberRecordedOnAnOrdinalTheStatefulSetNoLongerRunsIsRemoved() {
        Driver d = Driver.steady(3);
        d.world.learners.add(777L);
        Map<Long, Integer> known = new HashMap<>(
                io.raftkv.operator.status.ClusterStatusBuilder.knownMembers(d.status, SimulatedCluster.NAME));
        known.put(777L, 4);
        Observation o = d.world.observe(3, false, true, known, true);
        Decision decision = d.planner.decide(o);
        assertThat(decision.action()).isInstanceOf(RemoveMember.class);
        assertThat(((RemoveMember) decision.action()).nodeId()).isEqualTo(777L);
        assertThat(((RemoveMember) decision.action()).ordinal()).isEqualTo(-1);
    }

    @Test
    void nothingHappensWhileAMembershipChangeIsUncommitted() {
        Driver d = Driver.steady(3);
        d.world.configCommitted = false;
        d.desired = 5;
        Decision decision = d.decide();
        assertThat(decision.action()).isInstanceOf(Action.None.class);
        assertThat(decision.progress()).isEqualTo(Progress.ScalingUp);
    }

    @Test
    void aLaggingLearnerIsNotPromotedAndTheLagIsReported() {
        Driver d = Driver.steady(3);
        d.desired = 4;
        d.pass(); // grow
        d.pass(); // the new pod starts
        d.world.commitIndex += 50_000;
        Decision add = d.pass();
        assertThat(add.action()).isInstanceOf(Action.AddLearner.class);
        Decision wait = d.pass();
        assertThat(wait.action()).isInstanceOf(Action.None.class);
        assertThat(wait.progress()).isEqualTo(Progress.LearnerCatchingUp);
        assertThat(wait.message()).containsPattern("lagging \\d+ entries behind");
    }

    @Test
    void noRestartWhileTheStatefulSetControllerHasNotObservedTheNewTemplate() {
        Driver d = Driver.steady(3);
        d.world.changeTemplate("rev-2");
        d.world.stsStatusCurrent = false;
        Decision decision = d.decide();
        assertThat(decision.action()).isInstanceOf(Action.None.class);
    }

    @Test
    void aSingleMemberClusterRestartsWithAWarningAboutDowntime() {
        Driver d = Driver.steady(1);
        d.world.changeTemplate("rev-2");
        Decision decision = d.decide();
        assertThat(decision.action()).isEqualTo(new Action.RestartPod(0));
        assertThat(decision.findings()).anyMatch(f -> f.reason().equals("UnavoidableDowntime") && !f.degraded());
        d.runUntilSteady(50);
    }

    @Test
    void scaleDownOfAnUnreachableMemberRemovesItUsingTheRecordedNodeId() {
        Driver d = Driver.steady(4);
        long node3 = d.world.nodeIds().get(3);
        d.world.crash(3);
        d.desired = 3;
        Decision decision = d.pass();
        assertThat(decision.action()).isInstanceOf(RemoveMember.class);
        assertThat(((RemoveMember) decision.action()).nodeId()).isEqualTo(node3);
    }

    @Test
    void aPodLeftWithoutItsClaimIsRecreatedSoThatTheStatefulSetMakesAFreshOne() {
        Driver d = Driver.steady(3);
        d.world.crash(2);           // the recreated pod waits for its claim: it never starts
        d.world.claims.remove(2);   // the old claim finished deleting after the pod was recreated
        Decision decision = d.decide();
        assertThat(decision.action()).isEqualTo(new Action.RestartPod(2));
        assertThat(decision.progress()).isEqualTo(Progress.ReplacingMember);
    }

    @Test
    void aPodKubernetesCannotRunIsReportedAsDegraded() {
        Driver d = new Driver();
        d.world.stsReplicas = 1;
        Observation o = d.observe();
        PodView failing = new PodView(0, "demo-0", false, false, "rev-1", java.util.Optional.empty(),
                java.util.Optional.of("ImagePullBackOff: Back-off pulling image"));
        Observation withFailingPod = new Observation(o.desiredReplicas(), false, true, o.statefulSet(),
                Map.of(0, failing), Set.of(0), Map.of(), false);
        Decision decision = d.planner.decide(withFailingPod);
        assertThat(decision.findings()).anyMatch(f -> f.reason().equals("PodFailing") && f.degraded()
                && f.message().contains("demo-0: ImagePullBackOff"));
        assertThat(decision.progress()).isEqualTo(Progress.Bootstrapping);
    }

    @Test
    void theMaximumLagMustNotBeNegative() {
        assertThatThrownBy(() -> new Planner(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
