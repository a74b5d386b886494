package io.raftkv.runtime;

import io.raftkv.raft.Role;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class RaftRuntimeTest {

    private LoopbackCluster cluster;

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static byte[] cmd(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private LoopbackCluster.Node awaitLeader() {
        LoopbackCluster.Node now = cluster.leader();
        if (now != null) {
            return now;
        }
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() -> cluster.leader() != null);
        return cluster.leader();
    }

    /** Proposes through whoever leads now, retrying retryable failures, until applied. */
    private long write(String value) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            LoopbackCluster.Node leader = awaitLeader();
            try {
                return (Long) leader.runtime.propose(cmd(value)).get(5, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RequestFailure f && f.reason().retryable())
                        || System.nanoTime() > deadline) {
                    throw new AssertionError("write of " + value + " failed", e);
                }
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("write of " + value + " timed out", e);
                }
            }
        }
    }

    @Test
    void replicatesWritesToEveryNodeInOrder() throws Exception {
        cluster = new LoopbackCluster(3, RuntimeOptions.defaults().withTick(Duration.ofMillis(20)));
        List<CompletableFuture<Object>> fs = new ArrayList<>();
        LoopbackCluster.Node leader = awaitLeader();
        for (int i = 0; i < 200; i++) {
            fs.add(leader.runtime.propose(cmd("v" + i)));
        }
        for (CompletableFuture<Object> f : fs) {
            assertThat(f.get(10, TimeUnit.SECONDS)).isInstanceOf(Long.class);
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            expected.add("v" + i);
        }
        for (LoopbackCluster.Node n : cluster.nodes.values()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> n.sm.items().size() == 200);
            assertThat(n.sm.items()).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void followerRefusesWritesNamingTheLeader() throws Exception {
        cluster = new LoopbackCluster(3, RuntimeOptions.defaults().withTick(Duration.ofMillis(20)));
        LoopbackCluster.Node leader = awaitLeader();
        write("first");
        LoopbackCluster.Node follower = cluster.nodes.values().stream().filter(n -> n != leader).findFirst()
                .orElseThrow();
        await().until(() -> follower.runtime.view().leader() == leader.id);
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> follower.runtime.propose(cmd("x")).get(5, TimeUnit.SECONDS));
        assertThat(e.getCause()).isInstanceOfSatisfying(RequestFailure.class, f -> {
            assertThat(f.reason()).isEqualTo(RequestFailure.Reason.NOT_LEADER);
            assertThat(f.leaderId()).isEqualTo(leader.id);
        });
    }

    @Test
    void linearizableReadOnAFollowerSeesAnAcknowledgedWrite() throws Exception {
        cluster = new LoopbackCluster(3, RuntimeOptions.defaults().withTick(Duration.ofMillis(20)));
        LoopbackCluster.Node leader = awaitLeader();
        write("a");
        LoopbackCluster.Node follower = cluster.nodes.values().stream().filter(n -> n != leader).findFirst()
                .orElseThrow();
        await().until(() -> follower.runtime.view().leader() == leader.id);
        write("b");
        List<String> seen = follower.runtime.read(sm -> ((ListStateMachine) sm).items(), true)
                .get(5, TimeUnit.SECONDS);
        assertThat(seen).contains("a", "b");
    }

    @Test
    void leaderCrashElectsANewLeaderAndWritesResume() throws Exception {
        cluster = new LoopbackCluster(3, RuntimeOptions.defaults().withTick(Duration.ofMillis(20)));
        LoopbackCluster.Node old = awaitLeader();
        write("before");
        cluster.crash(old.id);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> cluster.leader() != null && cluster.leader().id != old.id);
        write("after");
        cluster.restart(old.id);
        await().atMost(Duration.ofSeconds(10)).until(() -> old.sm.items().contains("after"));
        assertThat(old.sm.items()).containsSubsequence("before", "after");
    }

    @Test
    void isolatedFollowerCatchesUpThroughASnapshot() throws Exception {
        RuntimeOptions opts = RuntimeOptions.defaults().withTick(Duration.ofMillis(20))
                .withSnapshots(50, Duration.ZERO, 10);
        cluster = new LoopbackCluster(3, opts);
        LoopbackCluster.Node leader = awaitLeader();
        LoopbackCluster.Node lagging = cluster.nodes.values().stream().filter(n -> n != leader).findFirst()
                .orElseThrow();
        cluster.faults.isolate(lagging.id, cluster.nodes.keySet());
        for (int i = 0; i < 300; i++) {
            write("w" + i);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> leader.runtime.snapshotIndex() >= 250);
        cluster.faults.heal();
        await().atMost(Duration.ofSeconds(15)).until(() -> lagging.sm.items().size() == 300);
        assertThat(lagging.sm.items()).startsWith("w0").endsWith("w299");
        assertThat(lagging.runtime.snapshotIndex()).isGreaterThan(0);
    }

    @Test
    void leadershipTransferMovesTheLeaderToTheTarget() throws Exception {
        cluster = new LoopbackCluster(3, RuntimeOptions.defaults().withTick(Duration.ofMillis(20)));
        LoopbackCluster.Node leader = awaitLeader();
        write("x");
        LoopbackCluster.Node target = cluster.nodes.values().stream().filter(n -> n != leader).findFirst()
                .orElseThrow();
        await().atMost(Duration.ofSeconds(10)).until(() -> leader.runtime.transferLeadership(target.id)
                .get(5, TimeUnit.SECONDS) == io.raftkv.raft.TransferResult.STARTED);
        await().atMost(Duration.ofSeconds(10)).until(() -> target.runtime.view().role() == Role.LEADER);
        write("y");
    }
}
