package io.raftkv.operator.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.raftkv.grpc.proto.AddLearnerRequest;
import io.raftkv.grpc.proto.ClusterGrpc;
import io.raftkv.grpc.proto.MemberStatus;
import io.raftkv.grpc.proto.MembershipResponse;
import io.raftkv.grpc.proto.PromoteLearnerRequest;
import io.raftkv.grpc.proto.Role;
import io.raftkv.grpc.proto.StatusRequest;
import io.raftkv.grpc.proto.StatusResponse;
import io.raftkv.grpc.proto.TransferLeadershipRequest;
import io.raftkv.grpc.proto.TransferLeadershipResponse;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The admin client against a scripted Cluster service on a real gRPC port: what it sends, how it reads. */
class GrpcRaftAdminTest {

    private final List<String> calls = new CopyOnWriteArrayList<>();
    private volatile StatusResponse status;
    private Server server;
    private GrpcRaftAdmin admin;
    private AdminEndpoint node;

    @BeforeEach
    void start() throws Exception {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(new ScriptedNode())
                .build().start();
        // Generous deadlines: on a loaded build machine a loopback call took over 0.5 s (CI at load average 36);
        // only aNodeThatDoesNotAnswerTimesOut waits for one.
        admin = new GrpcRaftAdmin(Duration.ofSeconds(5), Duration.ofSeconds(10));
        node = new AdminEndpoint("demo-0", "127.0.0.1", server.getPort());
    }

    @AfterEach
    void stop() {
        admin.close();
        server.shutdownNow();
    }

    @Test
    void statusReadsRoleMembershipRetiredIdsAndWhetherTheConfigurationIsCommitted() throws Exception {
        status = StatusResponse.newBuilder().setMemberId(1).setRole(Role.LEADER).setTerm(4).setLeaderId(1)
                .setCommitIndex(90).setAppliedIndex(88)
                .addMembers(MemberStatus.newBuilder().setId(1).setRole(Role.LEADER))
                .addMembers(MemberStatus.newBuilder().setId(2).setRole(Role.FOLLOWER))
                .addMembers(MemberStatus.newBuilder().setId(7_000_000_000L).setRole(Role.LEARNER))
                .addRetired(3).setMembershipCommitted(false).build();
        NodeReport r = admin.status(node);
        assertThat(r.nodeId()).isEqualTo(1);
        assertThat(r.role()).isEqualTo(RaftRole.LEADER);
        assertThat(r.term()).isEqualTo(4);
        assertThat(r.commitIndex()).isEqualTo(90);
        assertThat(r.appliedIndex()).isEqualTo(88);
        assertThat(r.voters()).containsExactlyInAnyOrder(1L, 2L);
        assertThat(r.learners()).containsExactly(7_000_000_000L);
        assertThat(r.retired()).containsExactly(3L);
        assertThat(r.configCommitted()).isFalse();
    }

    @Test
    void anEmptyNodeWaitingToBeAddedIsNotJoined() throws Exception {
        status = StatusResponse.newBuilder().setMemberId(0x7abc_def0_1234_5678L).setRole(Role.NOT_MEMBER).build();
        NodeReport r = admin.status(node);
        assertThat(r.joined()).isFalse();
        assertThat(r.nodeId()).isEqualTo(0x7abc_def0_1234_5678L);
        assertThat(r.members()).isEmpty();

        status = status.toBuilder().setRole(Role.LEARNER).setLeaderId(1)
                .addMembers(MemberStatus.newBuilder().setId(1).setRole(Role.LEADER))
                .addMembers(MemberStatus.newBuilder().setId(0x7abc_def0_1234_5678L).setRole(Role.LEARNER)).build();
        NodeReport learner = admin.status(node);
        assertThat(learner.joined()).isTrue();
        assertThat(learner.role()).isEqualTo(RaftRole.FOLLOWER);
        assertThat(learner.learners()).containsExactly(0x7abc_def0_1234_5678L);
    }

    @Test
    void membershipCallsCarryTheirArguments() throws Exception {
        admin.addLearner(node, 42, "demo-3.demo-peers.ns.svc.cluster.local:7001");
        admin.promoteLearner(node, 42);
        admin.transferLeadership(node, 2);
        assertThat(calls).containsExactly("add 42 demo-3.demo-peers.ns.svc.cluster.local:7001", "promote 42",
                "transfer 2");
    }

    @Test
    void aRefusalOrAnUnreachableNodeIsAnExceptionThatSaysWhy() {
        assertThatThrownBy(() -> admin.promoteLearner(node, 9)).isInstanceOf(RaftAdminException.class)
                .hasMessageContaining("PromoteLearner 9").hasMessageContaining("FAILED_PRECONDITION")
                .hasMessageContaining("learner 9 is not caught up");
        AdminEndpoint gone = new AdminEndpoint("demo-1", "127.0.0.1", 1);
        assertThatThrownBy(() -> admin.status(gone)).isInstanceOf(RaftAdminException.class)
                .hasMessageContaining("demo-1").hasMessageContaining("UNAVAILABLE");
    }

    @Test
    void aNodeThatDoesNotAnswerTimesOut() {
        status = null; // the scripted node never answers Status
        assertThatThrownBy(() -> admin.status(node)).isInstanceOf(RaftAdminException.class)
                .hasMessageContaining("DEADLINE_EXCEEDED");
    }

    @Test
    void aRoleFromANewerNodeIsRefusedRatherThanGuessed() {
        status = StatusResponse.newBuilder().setMemberId(1).setRoleValue(99).build();
        assertThatThrownBy(() -> admin.status(node)).isInstanceOf(RaftAdminException.class)
                .hasMessageContaining("does not know");
    }

    private final class ScriptedNode extends ClusterGrpc.ClusterImplBase {

        @Override
        public void status(StatusRequest request, StreamObserver<StatusResponse> out) {
            StatusResponse s = status;
            if (s != null) {
                out.onNext(s);
                out.onCompleted();
            }
        }

        @Override
        public void addLearner(AddLearnerRequest req, StreamObserver<MembershipResponse> out) {
            calls.add("add " + req.getNodeId() + " " + req.getAddress());
            out.onNext(MembershipResponse.getDefaultInstance());
            out.onCompleted();
        }

        @Override
        public void promoteLearner(PromoteLearnerRequest req, StreamObserver<MembershipResponse> out) {
            if (req.getNodeId() == 9) {
                out.onError(Status.FAILED_PRECONDITION.withDescription("learner 9 is not caught up").asException());
                return;
            }
            calls.add("promote " + req.getNodeId());
            out.onNext(MembershipResponse.getDefaultInstance());
            out.onCompleted();
        }

        @Override
        public void transferLeadership(TransferLeadershipRequest req, StreamObserver<TransferLeadershipResponse> out) {
            calls.add("transfer " + req.getTargetId());
            out.onNext(TransferLeadershipResponse.newBuilder().setLeaderId(req.getTargetId()).build());
            out.onCompleted();
        }
    }
}
