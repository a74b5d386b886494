package io.raftkv.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftkv.operator.crd.MemberRole;
import io.raftkv.operator.crd.MemberStatus;
import io.raftkv.operator.plan.Action.AddLearner;
import io.raftkv.operator.plan.Action.DeleteVolumeClaim;
import io.raftkv.operator.plan.Action.PromoteLearner;
import io.raftkv.operator.plan.Action.RemoveMember;
import io.raftkv.operator.plan.Action.RestartPod;
import io.raftkv.operator.plan.Action.ScaleStatefulSet;
import io.raftkv.operator.plan.Action.TransferLeadership;
import io.raftkv.operator.plan.Action.WipeMember;
import io.raftkv.operator.status.ClusterStatusBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Whole transitions, driven step by step against the simulated cluster, with safety checked at every step. */
class PlannerScenarioTest {

    /** The actions' kinds, e.g. [ScaleStatefulSet, AddLearner, PromoteLearner]. */
    private static List<String> kinds(List<Action> actions) {
        return actions.stream().map(a -> a.getClass().getSimpleName()).toList();
    }

    @Test
    void bootstrapStartsOneMemberThenAddsTheOthersOneAtATime() {
        Driver d = new Driver();
        d.desired = 3;
        List<Action> actions = d.runUntilSteady(100);

        assertThat(actions.get(0)).isEqualTo(new ScaleStatefulSet(1));
        assertThat(kinds(actions)).containsExactly(
                "ScaleStatefulSet",
                "ScaleStatefulSet", "AddLearner", "PromoteLearner",
                "ScaleStatefulSet", "AddLearner", "PromoteLearner");
        assertThat(d.world.voters).hasSize(3);
        assertThat(d.status.getBootstrapped()).isTrue();
        assertThat(d.status.getLeader()).isNotNull();
        assertThat(condition(d, ClusterStatusBuilder.AVAILABLE)).isEqualTo("True/Quorate");
        assertThat(condition(d, ClusterStatusBuilder.PROGRESSING)).isEqualTo("False/Idle");
        assertThat(condition(d, ClusterStatusBuilder.DEGRADED)).isEqualTo("False/AsExpected");
        assertThat(d.status.getMembers()).extracting(MemberStatus::getRole)
                .containsExactlyInAnyOrder(MemberRole.Leader, MemberRole.Follower, MemberRole.Follower);
    }

    @Test
    void scaleUpGrowsOneMemberAtATimeAndPromotesEachBeforeTheNext() {
        Driver d = Driver.steady(3);
        d.desired = 5;
        List<Action> actions = d.runUntilSteady(200);

        assertThat(kinds(actions)).containsExactly(
                "ScaleStatefulSet", "AddLearner", "PromoteLearner",
                "ScaleStatefulSet", "AddLearner", "PromoteLearner");
        assertThat(actions.get(0)).isEqualTo(new ScaleStatefulSet(4));
        assertThat(((AddLearner) actions.get(1)).ordinal()).isEqualTo(3);
        assertThat(actions.get(3)).isEqualTo(new ScaleStatefulSet(5));
        assertThat(d.world.voters).hasSize(5);
        assertThat(d.decisions.subList(0, d.decisions.size() - 1)).extracting(Decision::progress)
                .as("progressing until the last member is a voter").doesNotContain(Progress.Idle);
    }

    @Test
    void aLearnerIsPromotedOnlyOnceCaughtUp() {
        Driver d = Driver.steady(3);
        d.world.commitIndex += 5_000; // a long log: the new member needs several ticks to catch up
        d.desired = 4;
        d.runUntilSteady(100);

        int promoteAt = indexOf(d, PromoteLearner.class);
        int addAt = indexOf(d, AddLearner.class);
        assertThat(promoteAt - addAt).as("passes spent catching up").isGreaterThan(5);
        for (Decision between : d.decisions.subList(addAt + 1, promoteAt)) {
            assertThat(between.isWait()).isTrue();
        }
        assertThat(d.decisions.get(promoteAt - 1).progress()).isEqualTo(Progress.LearnerCatchingUp);
    }

    @Test
    void scaleDownRemovesTheHighestOrdinalFirstThenShrinksThenDeletesItsClaim() {
        Driver d = Driver.steady(5);
        long node4 = d.world.nodeIds().get(4);
        long node3 = d.world.nodeIds().get(3);
        makeLeader(d, 0);
        d.desired = 3;
        List<Action> actions = d.runUntilSteady(200);

        assertThat(actions).containsSubsequence(
                new RemoveMember(4, node4, 0), new ScaleStatefulSet(4),
                new RemoveMember(3, node3, 0), new ScaleStatefulSet(3));
        assertThat(actions).contains(new DeleteVolumeClaim(4), new DeleteVolumeClaim(3));
        assertThat(actions.indexOf(new RemoveMember(4, node4, 0))).isLessThan(actions.indexOf(new ScaleStatefulSet(4)));
        assertThat(d.world.claims.keySet()).containsExactly(0, 1, 2);
        assertThat(d.world.retired).containsExactlyInAnyOrder(node3, node4);
    }

    @Test
    void scalingDownTheLeaderHandsLeadershipAwayFirst() {
        Driver d = Driver.steady(3);
        makeLeader(d, 2);
        long node2 = d.world.nodeIds().get(2);
        d.desired = 2;
        List<Action> actions = d.runUntilSteady(100);

        assertThat(actions.get(0)).isInstanceOf(TransferLeadership.class);
        assertThat(((TransferLeadership) actions.get(0)).leaderOrdinal()).isEqualTo(2);
        assertThat(actions.get(1)).isEqualTo(new RemoveMember(2, node2, ((TransferLeadership) actions.get(0)).targetOrdinal()));
        assertThat(d.world.voters).doesNotContain(node2).hasSize(2);
    }

    @Test
    void scaleDownIsRefusedWhileAnotherMemberIsUnhealthyAndKeepsTheSize() {
        Driver d = Driver.steady(5);
        makeLeader(d, 0);
        d.world.crash(1);
        d.desired = 4;
        for (int i = 0; i < 10; i++) {
            Decision decision = d.pass();
            assertThat(decision.action()).as("no step while refused").isInstanceOf(Action.None.class);
        }
        assertThat(d.world.stsReplicas).isEqualTo(5);
        assertThat(d.world.voters).hasSize(5);
        Decision last = d.decisions.get(d.decisions.size() - 1);
        assertThat(last.progress()).isEqualTo(Progress.Blocked);
        assertThat(last.findings()).extracting(Finding::reason).contains("ScaleDownRefused");
        assertThat(condition(d, ClusterStatusBuilder.DEGRADED)).startsWith("True/");
        assertThat(condition(d, ClusterStatusBuilder.PROGRESSING)).isEqualTo("False/Blocked");

        d.force = true; // the override annotation
        Decision forced = d.pass();
        assertThat(forced.action()).isInstanceOf(RemoveMember.class);
    }

    @Test
    void evenWithTheOverrideAScaleDownNeverLeavesLessThanAHealthyMajority() {
        Driver d = Driver.steady(5);
        makeLeader(d, 0);
        d.world.crash(1);
        d.world.crash(2);
        d.force = true;
        d.desired = 4;
        // 5 voters, 3 up: removing pod 4 leaves 2 up of 4 voters, below a majority of 3.
        Decision decision = d.pass();
        assertThat(decision.action()).isInstanceOf(Action.None.class);
        assertThat(decision.findings()).extracting(Finding::reason).contains("ScaleDownRefused");
        assertThat(decision.message()).contains("less than a majority");
    }

    @Test
    void aVanishedPodIsHealedByTheStatefulSetAndNeverReadAsAScaleDown() {
        Driver d = Driver.steady(3);
        long node1 = d.world.nodeIds().get(1);
        d.world.vanish(1);
        List<Action> actions = d.runUntilSteady(50);

        assertThat(actions).noneMatch(a -> a instanceof ScaleStatefulSet || a instanceof RemoveMember);
        assertThat(d.world.stsReplicas).isEqualTo(3);
        assertThat(d.world.nodeIds().get(1)).as("same claim, same node ID").isEqualTo(node1);
    }

    @Test
    void aMemberThatLostItsDiskIsReplacedUnderANewId() {
        Driver d = Driver.steady(3);
        makeLeader(d, 0);
        long old = d.world.nodeIds().get(2);
        d.world.loseDisk(2);
        List<Action> actions = d.runUntilSteady(100);

        long fresh = d.world.nodeIds().get(2);
        assertThat(fresh).isNotEqualTo(old);
        assertThat(kinds(actions)).containsExactly("RemoveMember", "AddLearner", "PromoteLearner");
        assertThat(actions.get(0)).isEqualTo(new RemoveMember(2, old, 0));
        assertThat(d.world.retired).contains(old);
        assertThat(d.world.voters).contains(fresh).hasSize(3);
        assertThat(d.decisions).extracting(Decision::progress).contains(Progress.ReplacingMember);
    }

    @Test
    void retainedClaimsAreWipedWhenALaterScaleUpReusesTheirOrdinal() {
        Driver d = Driver.steady(3);
        makeLeader(d, 0);
        d.deleteClaims = false;
        long removed = d.world.nodeIds().get(2);
        d.desired = 2;
        d.runUntilSteady(100);
        assertThat(d.world.claims).containsKey(2); // retained

        d.desired = 3;
        List<Action> actions = d.runUntilSteady(100);
        assertThat(kinds(actions)).containsExactly("ScaleStatefulSet", "WipeMember", "AddLearner", "PromoteLearner");
        assertThat(actions.get(1)).isEqualTo(new WipeMember(2, removed));
        assertThat(d.world.nodeIds().get(2)).isNotEqualTo(removed);
    }

    @Test
    void aNodeThatReusesARemovedIdAfterAWipeIsReportedInsteadOfWipedForever() {
        Driver d = new Driver();
        d.world.idsFromOrdinal = true; // ID = ordinal + 1, as the node's Kubernetes mode derives it today
        d.desired = 3;
        d.runUntilSteady(100);
        d.desired = 2;
        d.runUntilSteady(100);
        d.desired = 3;
        for (int i = 0; i < 20; i++) {
            d.pass();
        }
        assertThat(d.world.log.stream().filter(a -> a.startsWith("WipeMember"))).hasSize(1);
        Decision last = d.decisions.get(d.decisions.size() - 1);
        assertThat(last.progress()).isEqualTo(Progress.Blocked);
        assertThat(last.findings()).anyMatch(f -> f.reason().equals("NodeIdReused"));
    }

    @Test
    void rollingRestartGoesFollowersFirstHighestOrdinalFirstAndTheLeaderLastAfterATransfer() {
        Driver d = Driver.steady(3);
        makeLeader(d, 0);
        d.world.changeTemplate("rev-2");
        List<Action> actions = d.runUntilSteady(100);

        assertThat(kinds(actions)).containsExactly("RestartPod", "RestartPod", "TransferLeadership", "RestartPod");
        assertThat(actions.get(0)).isEqualTo(new RestartPod(2));
        assertThat(actions.get(1)).isEqualTo(new RestartPod(1));
        assertThat(((TransferLeadership) actions.get(2)).leaderOrdinal()).isEqualTo(0);
        assertThat(actions.get(3)).isEqualTo(new RestartPod(0));
        assertThat(d.world.pods.values()).allMatch(p -> p.revision.equals("rev-2"));
    }

    @Test
    void rollingRestartWaitsUntilTheRestartedMemberIsBackAndCaughtUp() {
        Driver d = Driver.steady(3);
        makeLeader(d, 0);
        d.world.commitIndex += 4_000; // restarted members replay a long way
        d.world.changeTemplate("rev-2");
        d.runUntilSteady(200);

        int first = indexOf(d, RestartPod.class);
        int second = indexOf(d, RestartPod.class, first + 1);
        assertThat(d.decisions.subList(first + 1, second)).allMatch(Decision::isWait)
                .anyMatch(x -> x.message().contains("rejoin and catch up"));
    }

    @Test
    void rollingRestartRestartsUnreadyPodsFirst() {
        Driver d = Driver.steady(5);
        makeLeader(d, 0);
        d.world.crash(1);
        d.world.changeTemplate("rev-2");
        Decision first = d.pass();
        assertThat(first.action()).isEqualTo(new RestartPod(1));
    }

    @Test
    void rollingRestartIsBlockedWhenARestartWouldLoseTheMajority() {
        Driver d = Driver.steady(3);
        makeLeader(d, 0);
        d.world.crash(1);
        d.world.changeTemplate("rev-2");
        // pod 1 is unhealthy: restarting it is allowed (it serves nothing); afterwards it cannot come back
        // healthy while crashed, so nothing else may restart.
        d.pass();
        d.world.pods.get(1).crashed = false;
        d.world.tick();
        d.world.crash(1); // the new pod hangs too (e.g. a bad image)
        for (int i = 0; i < 5; i++) {
            Decision decision = d.pass();
            assertThat(decision.action()).isInstanceOf(Action.None.class);
        }
        assertThat(d.world.pods.get(2).revision).isEqualTo("rev-1");
    }

    @Test
    void withoutQuorumNothingDisruptiveHappensButOutdatedDeadPodsAreRestarted() {
        Driver d = Driver.steady(3);
        d.world.crash(1);
        d.world.crash(2);
        d.world.tick(); // the leader loses its majority and steps down (CheckQuorum)
        Decision lost = d.pass();
        assertThat(lost.action()).isInstanceOf(Action.None.class);
        assertThat(lost.progress()).isEqualTo(Progress.WaitingForQuorum);
        assertThat(condition(d, ClusterStatusBuilder.AVAILABLE)).isEqualTo("False/QuorumLost");
        assertThat(d.status.getLeader()).isNull();

        // A fixed image rolls out: only the dead pods are restarted, and they come back.
        d.world.changeTemplate("rev-2");
        Decision fix = d.pass();
        assertThat(fix.action()).isIn(new RestartPod(1), new RestartPod(2));
        assertThat(d.world.pods.get(0).terminating).isFalse();
    }

    @Test
    void aMembershipChangeInFlightIsWaitedFor() {
        Driver d = Driver.steady(3);
        d.desired = 4;
        d.pass(); // grow
        d.pass(); // add learner (uncommitted until the next tick)
        d.world.configCommitted = false;
        Decision waiting = d.decide();
        assertThat(waiting.action()).isInstanceOf(Action.None.class);
        assertThat(waiting.message()).contains("commit");
    }

    @Test
    void evenSizesWork_butAreWarnedAbout() {
        Driver d = Driver.steady(3);
        d.desired = 4;
        d.runUntilSteady(100);
        assertThat(d.decisions.get(0).findings()).anyMatch(f -> f.reason().equals("EvenReplicas") && !f.degraded());
        assertThat(d.world.voters).hasSize(4);
    }

    @Test
    void scaleUpThenDownThenUpAgainNeverReusesANodeId() {
        Driver d = Driver.steady(3);
        d.desired = 5;
        d.runUntilSteady(200);
        d.desired = 3;
        d.runUntilSteady(200);
        d.desired = 5;
        d.runUntilSteady(200);
        Set<Long> current = new TreeSet<>(d.world.nodeIds().values());
        assertThat(current).doesNotContainAnyElementsOf(d.world.retired).hasSize(5);
        assertThat(d.world.everAssigned).hasSize(7);
    }

    /** The operator dies right after any one step, before recording it; a new operator picks up from what it sees. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 25, 30})
    void anOperatorCrashBetweenTwoStepsIsHarmless(int crashAt) {
        Driver d = Driver.steady(3);
        makeLeader(d, 2);
        d.desired = 5;
        d.statusLostAt = step -> step == crashAt;
        d.repeatedAt = step -> step == crashAt;
        d.runUntilSteady(200);
        d.desired = 2;
        d.statusLostAt = step -> step == crashAt + 40;
        d.repeatedAt = step -> step == crashAt + 40;
        d.runUntilSteady(200);
        d.world.changeTemplate("rev-2");
        d.statusLostAt = step -> step % 3 == 0; // lose many status writes during the rolling restart
        d.runUntilSteady(200);
        assertThat(d.world.voters).hasSize(2);
        assertThat(d.world.claims.keySet()).containsExactly(0, 1);
    }

    @Test
    void statusNamesEveryMemberWithItsPodRoleAndHealth() {
        Driver d = Driver.steady(3);
        makeLeader(d, 1);
        d.world.crash(2);
        d.pass();
        d.pass();
        Map<String, MemberStatus> byPod = d.status.getMembers().stream()
                .collect(Collectors.toMap(MemberStatus::getPod, m -> m));
        assertThat(byPod.get("demo-1").getRole()).isEqualTo(MemberRole.Leader);
        assertThat(byPod.get("demo-0").getRole()).isEqualTo(MemberRole.Follower);
        assertThat(byPod.get("demo-0").getHealthy()).isTrue();
        assertThat(byPod.get("demo-2").getHealthy()).isFalse();
        assertThat(byPod.get("demo-2").getMessage()).contains("not reachable");
        assertThat(d.status.getReadyReplicas()).isEqualTo(2);
        assertThat(d.status.getLeader()).isEqualTo("demo-1");
        assertThat(condition(d, ClusterStatusBuilder.AVAILABLE)).isEqualTo("True/Quorate");
        assertThat(condition(d, ClusterStatusBuilder.DEGRADED)).isEqualTo("True/MemberUnhealthy");
    }

    // --- helpers

    private static void makeLeader(Driver d, int ordinal) {
        d.world.leader = d.world.nodeIds().get(ordinal);
        d.world.term++;
        d.world.tick();
    }

    private static String condition(Driver d, String type) {
        return d.status.getConditions().stream().filter(c -> c.getType().equals(type))
                .map(c -> c.getStatus() + "/" + c.getReason()).findFirst().orElse("absent");
    }

    private static int indexOf(Driver d, Class<? extends Action> kind) {
        return indexOf(d, kind, 0);
    }

    private static int indexOf(Driver d, Class<? extends Action> kind, int from) {
        List<Decision> list = new ArrayList<>(d.decisions);
        for (int i = from; i < list.size(); i++) {
            if (kind.isInstance(list.get(i).action())) {
                return i;
            }
        }
        throw new AssertionError("no " + kind.getSimpleName() + " after " + from);
    }
}
