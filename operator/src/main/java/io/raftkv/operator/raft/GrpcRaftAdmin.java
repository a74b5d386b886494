package io.raftkv.operator.raft;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.raftkv.grpc.proto.AddLearnerRequest;
import io.raftkv.grpc.proto.ClusterGrpc;
import io.raftkv.grpc.proto.MemberStatus;
import io.raftkv.grpc.proto.PromoteLearnerRequest;
import io.raftkv.grpc.proto.RemoveMemberRequest;
import io.raftkv.grpc.proto.Role;
import io.raftkv.grpc.proto.StatusRequest;
import io.raftkv.grpc.proto.StatusResponse;
import io.raftkv.grpc.proto.TransferLeadershipRequest;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * {@link RaftAdmin} over the node's gRPC Cluster service (node/src/main/proto/raftkv.proto). One plaintext
 * channel per node address, kept while in use: pods get new IPs when they restart, so the least recently used
 * channels beyond {@link #MAX_CHANNELS} are closed.
 */
public final class GrpcRaftAdmin implements RaftAdmin, AutoCloseable {

    /** More than the members of a few clusters; pod IPs change on every restart, so old ones go. */
    static final int MAX_CHANNELS = 64;

    private final Duration statusTimeout;
    private final Duration changeTimeout;
    private final Map<String, ManagedChannel> channels = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ManagedChannel> eldest) {
            if (size() > MAX_CHANNELS) {
                eldest.getValue().shutdown();
                return true;
            }
            return false;
        }
    };

    /**
     * @param statusTimeout bound of a Status call (the operator asks every node in parallel each pass)
     * @param changeTimeout bound of a membership change or leadership transfer (they wait for a commit or for
     *                      the new leader)
     */
    public GrpcRaftAdmin(Duration statusTimeout, Duration changeTimeout) {
        this.statusTimeout = statusTimeout;
        this.changeTimeout = changeTimeout;
    }

    public static GrpcRaftAdmin withDefaultTimeouts() {
        return new GrpcRaftAdmin(Duration.ofSeconds(3), Duration.ofSeconds(15));
    }

    @Override
    public NodeReport status(AdminEndpoint node) throws RaftAdminException {
        StatusResponse s = call(node, statusTimeout, "Status", stub -> stub.status(StatusRequest.getDefaultInstance()));
        return toReport(node, s);
    }

    static NodeReport toReport(AdminEndpoint node, StatusResponse s) throws RaftAdminException {
        Set<Long> voters = new HashSet<>();
        Set<Long> learners = new HashSet<>();
        for (MemberStatus m : s.getMembersList()) {
            (m.getRole() == Role.LEARNER ? learners : voters).add(m.getId());
        }
        return new NodeReport(s.getMemberId(), role(node, s.getRole()), s.getTerm(), s.getLeaderId(),
                s.getCommitIndex(), s.getAppliedIndex(), voters, learners, new HashSet<>(s.getRetiredList()),
                s.getMembershipCommitted());
    }

    private static RaftRole role(AdminEndpoint node, Role role) throws RaftAdminException {
        return switch (role) {
            case LEADER -> RaftRole.LEADER;
            // A learner follows the leader; the membership says it does not vote.
            case FOLLOWER, LEARNER -> RaftRole.FOLLOWER;
            case PRE_CANDIDATE, CANDIDATE -> RaftRole.CANDIDATE;
            case NOT_MEMBER -> RaftRole.NONE;
            case ROLE_UNKNOWN, UNRECOGNIZED -> throw new RaftAdminException(node + " reports a role this operator "
                    + "does not know (" + role + "): is the node image newer than the operator?");
        };
    }

    @Override
    public void addLearner(AdminEndpoint leader, long nodeId, String peerAddress) throws RaftAdminException {
        call(leader, changeTimeout, "AddLearner " + nodeId, stub -> stub.addLearner(
                AddLearnerRequest.newBuilder().setNodeId(nodeId).setAddress(peerAddress).build()));
    }

    @Override
    public void promoteLearner(AdminEndpoint leader, long nodeId) throws RaftAdminException {
        call(leader, changeTimeout, "PromoteLearner " + nodeId, stub -> stub.promoteLearner(
                PromoteLearnerRequest.newBuilder().setNodeId(nodeId).build()));
    }

    @Override
    public void removeMember(AdminEndpoint leader, long nodeId) throws RaftAdminException {
        call(leader, changeTimeout, "RemoveMember " + nodeId, stub -> stub.removeMember(
                RemoveMemberRequest.newBuilder().setNodeId(nodeId).build()));
    }

    @Override
    public void transferLeadership(AdminEndpoint leader, long targetNodeId) throws RaftAdminException {
        call(leader, changeTimeout, "TransferLeadership to " + targetNodeId, stub -> stub.transferLeadership(
                TransferLeadershipRequest.newBuilder().setTargetId(targetNodeId).build()));
    }

    private <T> T call(AdminEndpoint node, Duration timeout, String what,
                       Function<ClusterGrpc.ClusterBlockingStub, T> rpc) throws RaftAdminException {
        try {
            return rpc.apply(ClusterGrpc.newBlockingStub(channel(node))
                    .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (StatusRuntimeException e) {
            Status s = e.getStatus();
            throw new RaftAdminException(what + " at " + node + " failed: " + s.getCode()
                    + (s.getDescription() != null ? ": " + s.getDescription() : ""), e);
        }
    }

    private synchronized ManagedChannel channel(AdminEndpoint node) {
        return channels.computeIfAbsent(node.host() + ":" + node.port(),
                k -> NettyChannelBuilder.forAddress(node.host(), node.port()).usePlaintext().build());
    }

    @Override
    public synchronized void close() {
        channels.values().forEach(ManagedChannel::shutdownNow);
        channels.clear();
    }
}
