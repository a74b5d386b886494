package io.raftkv.server;

import io.raftkv.client.RaftKvClient;
import io.raftkv.grpc.proto.MemberStatus;
import io.raftkv.grpc.proto.MembershipResponse;
import io.raftkv.grpc.proto.Role;
import io.raftkv.grpc.proto.StatusResponse;
import io.raftkv.config.NodeConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Failures and administration of an in-process cluster over real gRPC, driven through the client. */
class ClusterBehaviourTest {

    private InProcessCluster cluster;

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void writesResumeAfterTheLeaderIsKilledAndTheOldLeaderRecoversFromItsStorage() throws Exception {
        cluster = new InProcessCluster(3);
        RaftKvClient client = cluster.client();
        for (int i = 0; i < 20; i++) {
            client.put("before/" + i, "v");
        }
        RaftKvNode old = cluster.awaitLeader();
        long oldId = old.id();
        cluster.crash(oldId);
        client.put("after", "1"); // retried by the client until a new leader answers
        assertThat(cluster.awaitLeader().id()).isNotEqualTo(oldId);

        RaftKvNode back = cluster.start(oldId);
        await().atMost(Duration.ofSeconds(10)).until(() -> back.stateMachine().kv().get(
                io.raftkv.kv.Bytes.utf8("after")).isPresent());
        assertThat(back.stateMachine().kv().keyCount()).isEqualTo(21);
    }

    @Test
    void aPartitionedLeaderIsReplacedAndTheMajorityKeepsServing() throws Exception {
        cluster = new InProcessCluster(3);
        RaftKvClient client = cluster.client();
        client.put("a", "1");
        RaftKvNode leader = cluster.awaitLeader();
        cluster.faults.isolate(leader.id(), cluster.nodes.keySet());
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.nodes.values().stream()
                .anyMatch(n -> n != leader && n.runtime().view().role() == io.raftkv.raft.Role.LEADER));
        client.put("b", "2");
        // CheckQuorum: the cut-off leader steps down on its own.
        await().atMost(Duration.ofSeconds(10)).until(() -> leader.runtime().view().role() != io.raftkv.raft.Role.LEADER);
        cluster.faults.heal();
        await().atMost(Duration.ofSeconds(10)).until(() -> leader.stateMachine().kv().get(
                io.raftkv.kv.Bytes.utf8("b")).isPresent());
        assertThat(client.get("a")).isEqualTo("1");
    }

    @Test
    void exactlyOnceHoldsWhileTheLeaderChangesUnderRetries() throws Exception {
        cluster = new InProcessCluster(3);
        RaftKvClient client = cluster.client();
        client.put("counter", "0");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger acknowledged = new AtomicInteger();
        // Each increment is a CAS on the current value; a duplicate application of a retried CAS would
        // fail its condition the second time, but exactly-once must instead return the original success.
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            while (!stop.get()) {
                String current = client.get("counter");
                int next = Integer.parseInt(current) + 1;
                if (client.casValue("counter", current, Integer.toString(next)).getSucceeded()) {
                    acknowledged.incrementAndGet();
                }
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> acknowledged.get() >= 20);
        for (int round = 0; round < 2; round++) {
            long leaderId = cluster.awaitLeader().id();
            cluster.crash(leaderId);
            int seen = acknowledged.get();
            await().atMost(Duration.ofSeconds(15)).until(() -> {
                if (writer.isCompletedExceptionally()) {
                    writer.join(); // surfaces the writer's failure
                }
                return acknowledged.get() >= seen + 10;
            });
            cluster.start(leaderId);
        }
        stop.set(true);
        writer.get();
        assertThat(Integer.parseInt(client.get("counter"))).isEqualTo(acknowledged.get());
    }

    @Test
    void leadershipTransferThroughTheAdminApi() throws Exception {
        cluster = new InProcessCluster(3);
        RaftKvClient client = cluster.client();
        client.put("x", "1");
        RaftKvNode leader = cluster.awaitLeader();
        long target = cluster.followers().get(0).id();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .until(() -> client.transferLeadership(target).getLeaderId() == target);
        assertThat(cluster.node(target).runtime().view().role()).isEqualTo(io.raftkv.raft.Role.LEADER);
        assertThat(leader.runtime().view().role()).isNotEqualTo(io.raftkv.raft.Role.LEADER);
        client.put("y", "2");
    }

    @Test
    void thePreStopHookMakesTheLeaderHandLeadershipOff() throws Exception {
        cluster = new InProcessCluster(3, c -> withHttp(c));
        RaftKvClient client = cluster.client();
        client.put("x", "1");
        RaftKvNode leader = cluster.awaitLeader();
        RaftKvNode follower = cluster.followers().get(0);
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();

        java.net.http.HttpResponse<String> atFollower = http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + follower.httpPort() + "/prestop")).POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(atFollower.statusCode()).isEqualTo(200);
        assertThat(atFollower.body()).contains("not the leader");
        assertThat(leader.runtime().view().role()).isEqualTo(io.raftkv.raft.Role.LEADER);

        java.net.http.HttpResponse<String> atLeader = http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + leader.httpPort() + "/prestop")).POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(atLeader.statusCode()).isEqualTo(200);
        assertThat(atLeader.body()).contains("handed off");
        assertThat(leader.runtime().view().role()).isNotEqualTo(io.raftkv.raft.Role.LEADER);
        client.put("y", "2");
    }

    static NodeConfig withHttp(NodeConfig c) {
        return new NodeConfig(c.clusterName(), c.nodeId(), c.listen(), c.advertise(), "127.0.0.1:0", c.dataDir(),
                c.initialClusterState(), c.peers(), c.kubernetes(), c.logLevel(), c.raft(), c.snapshot(), c.limits(),
                c.disk());
    }

    @Test
    void aFollowerFarBehindCatchesUpThroughASnapshot() throws Exception {
        cluster = new InProcessCluster(3, c -> withSnapshots(c, 100, 20));
        RaftKvClient client = cluster.client();
        client.put("k", "0");
        RaftKvNode lagging = cluster.followers().get(0);
        cluster.faults.isolate(lagging.id(), cluster.nodes.keySet());
        List<CompletableFuture<?>> writes = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            writes.add(client.putAsync(com.google.protobuf.ByteString.copyFromUtf8("bulk/" + i),
                    com.google.protobuf.ByteString.copyFromUtf8("v" + i)));
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get();
        RaftKvNode leader = cluster.awaitLeader();
        await().atMost(Duration.ofSeconds(10)).until(() -> leader.runtime().snapshotIndex() > 400);
        cluster.faults.heal();
        await().atMost(Duration.ofSeconds(15)).until(() -> lagging.stateMachine().kv().keyCount() == 501);
        assertThat(lagging.runtime().snapshotIndex()).isGreaterThan(400);
    }

    @Test
    void membersAreAddedPromotedAndRemovedUnderWriteLoad() throws Exception {
        cluster = new InProcessCluster(3);
        RaftKvClient client = cluster.client();
        client.put("seed", "1");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger written = new AtomicInteger();
        CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
            while (!stop.get()) {
                client.put("load/" + written.get(), "v");
                written.incrementAndGet();
            }
        });

        RaftKvNode joiner = cluster.startJoining(4);
        StatusResponse waiting = client.status(joiner.advertise());
        assertThat(waiting.getMemberId()).isEqualTo(4);
        assertThat(waiting.getRole()).as("an empty node waiting to be added").isEqualTo(Role.NOT_MEMBER);
        MembershipResponse added = client.addLearner(4, joiner.advertise());
        assertThat(added.getMembersList()).anyMatch(m -> m.getId() == 4 && m.getRole() == Role.LEARNER);
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> {
            client.promoteLearner(4);
            return true;
        });
        StatusResponse status = client.leaderStatus();
        assertThat(status.getMembersList()).filteredOn(m -> m.getId() == 4).extracting(MemberStatus::getRole)
                .containsExactly(Role.FOLLOWER);
        await().atMost(Duration.ofSeconds(10)).until(() -> joiner.runtime().appliedIndex()
                >= cluster.awaitLeader().runtime().appliedIndex() - 50);

        long victim = cluster.followers().stream().filter(n -> n.id() != 4).findFirst().orElseThrow().id();
        MembershipResponse removed = client.removeMember(victim);
        assertThat(removed.getMembersList()).extracting(MemberStatus::getId).doesNotContain(victim);
        StatusResponse afterRemoval = client.leaderStatus();
        assertThat(afterRemoval.getRetiredList()).as("a removed ID is retired forever").contains(victim);
        assertThat(afterRemoval.getMembershipCommitted()).as("the removal committed before it was acknowledged")
                .isTrue();
        cluster.crash(victim);
        int seen = written.get();
        await().atMost(Duration.ofSeconds(10)).until(() -> written.get() > seen + 20);
        stop.set(true);
        load.get();
        assertThat(cluster.awaitLeader().runtime().membership().voters()).isEqualTo(Set.of(1L, 2L, 3L, 4L).stream()
                .filter(id -> id != victim).collect(java.util.stream.Collectors.toSet()));
        // The new member holds every acknowledged write.
        await().atMost(Duration.ofSeconds(10)).until(() -> joiner.stateMachine().kv().keyCount()
                == cluster.awaitLeader().stateMachine().kv().keyCount());
    }

    static NodeConfig withSnapshots(NodeConfig c, long threshold, long retain) {
        return new NodeConfig(c.clusterName(), c.nodeId(), c.listen(), c.advertise(), c.http(), c.dataDir(),
                c.initialClusterState(), c.peers(), c.kubernetes(), c.logLevel(), c.raft(),
                new NodeConfig.Snapshot(threshold, 0, 2, retain), c.limits(), c.disk());
    }
}
