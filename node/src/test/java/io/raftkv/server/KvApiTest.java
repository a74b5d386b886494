package io.raftkv.server;

import com.google.protobuf.ByteString;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.raftkv.client.RaftKvClient;
import io.raftkv.client.RaftKvException;
import io.raftkv.grpc.GrpcErrors;
import io.raftkv.grpc.proto.CompareAndSwapRequest;
import io.raftkv.grpc.proto.CompareAndSwapResponse;
import io.raftkv.grpc.proto.Consistency;
import io.raftkv.grpc.proto.DeleteRequest;
import io.raftkv.grpc.proto.GetRequest;
import io.raftkv.grpc.proto.KVGrpc;
import io.raftkv.grpc.proto.PutRequest;
import io.raftkv.grpc.proto.PutResponse;
import io.raftkv.grpc.proto.RangeRequest;
import io.raftkv.grpc.proto.RangeResponse;
import io.raftkv.grpc.proto.WriteId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The KV API as a client uses it, against a 3-node in-process cluster over gRPC. */
class KvApiTest {

    private static InProcessCluster cluster;
    private static RaftKvClient client;
    private static ManagedChannel leaderChannel;
    private static ManagedChannel followerChannel;

    @BeforeAll
    static void start() throws Exception {
        cluster = new InProcessCluster(3);
        client = cluster.client();
        client.put("warm-up", "1");
        RaftKvNode leader = cluster.awaitLeader();
        leaderChannel = channel(leader.advertise());
        RaftKvNode follower = cluster.followers().get(0);
        org.awaitility.Awaitility.await().until(() -> follower.runtime().view().leader() == leader.id());
        followerChannel = channel(follower.advertise());
    }

    @AfterAll
    static void stop() {
        leaderChannel.shutdownNow();
        followerChannel.shutdownNow();
        cluster.close();
    }

    private static ManagedChannel channel(String address) {
        return Grpc.newChannelBuilder(address, InsecureChannelCredentials.create()).build();
    }

    private static KVGrpc.KVBlockingStub leaderStub() {
        return KVGrpc.newBlockingStub(leaderChannel).withDeadlineAfter(5, TimeUnit.SECONDS);
    }

    private static ByteString bs(String s) {
        return ByteString.copyFromUtf8(s);
    }

    @Test
    void putGetDeleteWithRevisions() {
        PutResponse first = client.put("k1", "v1");
        assertThat(first.getKv().getVersion()).isEqualTo(1);
        assertThat(first.getKv().getCreateRevision()).isEqualTo(first.getKv().getModRevision());
        assertThat(first.getHeader().getRevision()).isEqualTo(first.getKv().getModRevision());
        PutResponse second = client.put("k1", "v2");
        assertThat(second.getKv().getVersion()).isEqualTo(2);
        assertThat(second.getKv().getModRevision()).isGreaterThan(first.getKv().getModRevision());
        assertThat(second.getPrevKv().getValue().toStringUtf8()).isEqualTo("v1");
        assertThat(client.get("k1")).isEqualTo("v2");
        assertThat(client.delete("k1").getDeleted()).isTrue();
        assertThat(client.get("k1")).isNull();
        assertThat(client.delete("k1").getDeleted()).isFalse();
    }

    @Test
    void compareAndSwapByValueAndVersion() {
        CompareAndSwapResponse create = client.casVersion("cas", 0, "a");
        assertThat(create.getSucceeded()).isTrue();
        assertThat(client.casVersion("cas", 0, "b").getSucceeded()).isFalse();
        CompareAndSwapResponse wrong = client.casValue("cas", "zzz", "b");
        assertThat(wrong.getSucceeded()).isFalse();
        assertThat(wrong.getKv().getValue().toStringUtf8()).isEqualTo("a");
        assertThat(client.casValue("cas", "a", "b").getSucceeded()).isTrue();
        assertThat(client.casVersion("cas", 2, "c").getSucceeded()).isTrue();
        assertThat(client.get("cas")).isEqualTo("c");
    }

    @Test
    void rangePagesThroughAPrefix() {
        for (int i = 0; i < 25; i++) {
            client.put(String.format("range/%02d", i), "v" + i);
        }
        client.put("rangeX", "not under the prefix");
        RangeResponse page1 = client.range(RangeRequest.newBuilder().setPrefix(bs("range/")).setLimit(10).build());
        assertThat(page1.getKvsCount()).isEqualTo(10);
        assertThat(page1.getMore()).isTrue();
        assertThat(page1.getKvs(0).getKey().toStringUtf8()).isEqualTo("range/00");
        RangeResponse page2 = client.range(RangeRequest.newBuilder().setPrefix(bs("range/")).setLimit(10)
                .setContinuationKey(page1.getNextKey()).build());
        assertThat(page2.getKvs(0).getKey().toStringUtf8()).isEqualTo("range/10");
        RangeResponse page3 = client.range(RangeRequest.newBuilder().setPrefix(bs("range/")).setLimit(10)
                .setContinuationKey(page2.getNextKey()).setKeysOnly(true).build());
        assertThat(page3.getKvsCount()).isEqualTo(5);
        assertThat(page3.getMore()).isFalse();
        assertThat(page3.getKvs(0).getValue()).isEmpty();
    }

    @Test
    void serializableReadOnAFollowerEventuallySeesTheWrite() {
        client.put("ser", "x");
        KVGrpc.KVBlockingStub follower = KVGrpc.newBlockingStub(followerChannel).withDeadlineAfter(5, TimeUnit.SECONDS);
        org.awaitility.Awaitility.await().until(() -> follower.get(GetRequest.newBuilder().setKey(bs("ser"))
                .setConsistency(Consistency.SERIALIZABLE).build()).getFound());
        // A linearizable read on a follower goes through ReadIndex and must see it at once.
        assertThat(follower.get(GetRequest.newBuilder().setKey(bs("ser")).build()).getKv().getValue().toStringUtf8())
                .isEqualTo("x");
    }

    @Test
    void aFollowerAnswersWritesWithNotLeaderAndTheLeadersAddress() {
        KVGrpc.KVBlockingStub follower = KVGrpc.newBlockingStub(followerChannel).withDeadlineAfter(5, TimeUnit.SECONDS);
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> follower.put(PutRequest.newBuilder().setKey(bs("x")).setValue(bs("y")).build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        var info = GrpcErrors.errorInfo(e);
        assertThat(info.getReason()).isEqualTo("NOT_LEADER");
        assertThat(info.getMetadataMap().get(GrpcErrors.LEADER_ADDRESS)).isEqualTo(cluster.awaitLeader().advertise());
    }

    @Test
    void aRetriedWriteIsAppliedOnceAndAnsweredWithTheOriginalResult() {
        WriteId id = WriteId.newBuilder().setClientId(0x5eed).setSeq(1).build();
        PutRequest put = PutRequest.newBuilder().setKey(bs("once")).setValue(bs("1")).setWriteId(id).build();
        PutResponse a = leaderStub().put(put);
        PutResponse b = leaderStub().put(put);
        assertThat(b.getKv()).isEqualTo(a.getKv());
        assertThat(b.getHeader().getRevision()).isEqualTo(a.getHeader().getRevision());
        assertThat(client.get(bs("once"), Consistency.LINEARIZABLE).getKv().getVersion()).isEqualTo(1);
        // The next write of the session is applied; an older seq is refused.
        leaderStub().put(put.toBuilder().setWriteId(id.toBuilder().setSeq(2)).build());
        assertThat(client.get(bs("once"), Consistency.LINEARIZABLE).getKv().getVersion()).isEqualTo(2);
        expectInvalid("STALE_SEQUENCE", () -> leaderStub().put(put));
    }

    @Test
    void badInputGetsInvalidArgumentNamingTheProblem() {
        ByteString bigKey = ByteString.copyFrom(new byte[4097]);
        ByteString bigValue = ByteString.copyFrom(new byte[(1 << 20) + 1]);
        expectInvalid("INVALID_KEY", () -> leaderStub().put(PutRequest.newBuilder().setValue(bs("v")).build()));
        expectInvalid("INVALID_KEY", () -> leaderStub().put(PutRequest.newBuilder().setKey(bigKey).build()));
        expectInvalid("INVALID_VALUE", () -> leaderStub().put(
                PutRequest.newBuilder().setKey(bs("k")).setValue(bigValue).build()));
        expectInvalid("INVALID_KEY", () -> leaderStub().get(GetRequest.getDefaultInstance()));
        expectInvalid("INVALID_KEY", () -> leaderStub().delete(DeleteRequest.getDefaultInstance()));
        expectInvalid("INVALID_ARGUMENT", () -> leaderStub().compareAndSwap(
                CompareAndSwapRequest.newBuilder().setKey(bs("k")).build()));
        expectInvalid("INVALID_ARGUMENT", () -> leaderStub().compareAndSwap(
                CompareAndSwapRequest.newBuilder().setKey(bs("k")).setExpectedVersion(-1).build()));
        expectInvalid("INVALID_KEY", () -> leaderStub().range(RangeRequest.newBuilder().setPrefix(bigKey).build()));
        expectInvalid("INVALID_ARGUMENT", () -> leaderStub().put(PutRequest.newBuilder().setKey(bs("k"))
                .setWriteId(WriteId.newBuilder().setClientId(7)).build()));
        expectInvalid("SESSION_EXPIRED", () -> leaderStub().put(PutRequest.newBuilder().setKey(bs("k"))
                .setWriteId(WriteId.newBuilder().setClientId(99).setSeq(5)).build()));
        // The client library reports the same, without retrying.
        RaftKvException e = assertThrows(RaftKvException.class, () -> client.put("", "v"));
        assertThat(e.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.reason()).isEqualTo("INVALID_KEY");
    }

    @Test
    void anExpiredDeadlineIsReportedAsDeadlineExceeded() {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> KVGrpc.newBlockingStub(leaderChannel)
                .withDeadlineAfter(1, TimeUnit.NANOSECONDS).put(PutRequest.newBuilder().setKey(bs("d")).build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    }

    private static void expectInvalid(String reason, Executable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(GrpcErrors.errorInfo(e).getReason()).isEqualTo(reason);
        assertThat(e.getStatus().getDescription()).isNotBlank();
    }
}
