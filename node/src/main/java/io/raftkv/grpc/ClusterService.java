package io.raftkv.grpc;

import io.grpc.stub.StreamObserver;
import io.raftkv.config.HostPort;
import io.raftkv.grpc.proto.AddLearnerRequest;
import io.raftkv.grpc.proto.ClusterGrpc;
import io.raftkv.grpc.proto.MemberStatus;
import io.raftkv.grpc.proto.MembershipResponse;
import io.raftkv.grpc.proto.PromoteLearnerRequest;
import io.raftkv.grpc.proto.RemoveMemberRequest;
import io.raftkv.grpc.proto.Role;
import io.raftkv.grpc.proto.StatusRequest;
import io.raftkv.grpc.proto.StatusResponse;
import io.raftkv.grpc.proto.TakeSnapshotRequest;
import io.raftkv.grpc.proto.TakeSnapshotResponse;
import io.raftkv.grpc.proto.TransferLeadershipRequest;
import io.raftkv.grpc.proto.TransferLeadershipResponse;
import io.raftkv.kv.KvStateMachine;
import io.raftkv.raft.Membership;
import io.raftkv.raft.MembershipChange;
import io.raftkv.raft.NodeStatus;
import io.raftkv.raft.RaftNode;
import io.raftkv.runtime.RaftRuntime;
import io.raftkv.runtime.RequestFailure;
import io.raftkv.server.NodeStateMachine;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.LongFunction;

/** The operator's API: status, membership changes one server at a time, leadership transfer, snapshots. */
public final class ClusterService extends ClusterGrpc.ClusterImplBase implements AutoCloseable {

    /** A learner may be promoted only when at most this many entries behind the leader. */
    static final long MAX_PROMOTION_LAG = 1000;

    private final String clusterName;
    private final String selfAddress;
    private final RaftRuntime runtime;
    private final KvStateMachine kv;
    private final LongFunction<String> addressOf;
    private final BooleanSupplier diskAlarm;
    private final Duration timeout;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "cluster-admin-timer");
        t.setDaemon(true);
        return t;
    });

    public ClusterService(String clusterName, String selfAddress, RaftRuntime runtime, KvStateMachine kv,
                          LongFunction<String> addressOf, BooleanSupplier diskAlarm, Duration timeout) {
        this.clusterName = clusterName;
        this.selfAddress = selfAddress;
        this.runtime = runtime;
        this.kv = kv;
        this.addressOf = addressOf;
        this.diskAlarm = diskAlarm;
        this.timeout = timeout;
    }

    @Override
    public void status(StatusRequest request, StreamObserver<StatusResponse> out) {
        respond(runtime.status().thenApply(this::toStatus), out);
    }

    private StatusResponse toStatus(NodeStatus s) {
        StatusResponse.Builder b = StatusResponse.newBuilder().setMemberId(s.id()).setAddress(selfAddress)
                .setRole(role(s)).setTerm(s.term()).setLeaderId(s.leader())
                .setCommitIndex(s.commitIndex()).setAppliedIndex(runtime.appliedIndex()).setLastIndex(s.lastIndex())
                .setDiskAlarm(diskAlarm.getAsBoolean()).setRevision(kv.revision())
                .setSnapshotIndex(runtime.snapshotIndex()).setClusterName(clusterName).setKeyCount(kv.keyCount())
                .addAllRetired(s.membership().retired()).setMembershipCommitted(s.membershipCommitted());
        if (s.leader() != RaftNode.NONE && addressOf.apply(s.leader()) != null) {
            b.setLeaderAddress(addressOf.apply(s.leader()));
        }
        b.addAllMembers(members(s.membership(), s));
        return b.build();
    }

    private static Role role(NodeStatus s) {
        if (!s.membership().isMember(s.id())) {
            return Role.NOT_MEMBER;
        }
        if (s.membership().isLearner(s.id())) {
            return Role.LEARNER;
        }
        return switch (s.role()) {
            case FOLLOWER -> Role.FOLLOWER;
            case PRE_CANDIDATE -> Role.PRE_CANDIDATE;
            case CANDIDATE -> Role.CANDIDATE;
            case LEADER -> Role.LEADER;
        };
    }

    private java.util.List<MemberStatus> members(Membership m, NodeStatus s) {
        java.util.List<MemberStatus> out = new java.util.ArrayList<>();
        for (long id : m.members()) {
            MemberStatus.Builder b = MemberStatus.newBuilder().setId(id)
                    .setRole(m.isLearner(id) ? Role.LEARNER : id == s.leader() ? Role.LEADER : Role.FOLLOWER);
            String address = addressOf.apply(id);
            if (address != null) {
                b.setAddress(address);
            }
            NodeStatus.PeerProgress p = s != null ? s.progress().get(id) : null;
            if (p != null) {
                b.setMatchIndex(p.matchIndex()).setLag(Math.max(0, s.lastIndex() - p.matchIndex()))
                        .setActive(p.recentlyActive());
            }
            out.add(b.build());
        }
        return out;
    }

    @Override
    public void addLearner(AddLearnerRequest req, StreamObserver<MembershipResponse> out) {
        try {
            checkId(req.getNodeId());
            try {
                HostPort.parse(req.getAddress());
            } catch (IllegalArgumentException e) {
                throw GrpcErrors.invalid("INVALID_ARGUMENT", "address: " + e.getMessage());
            }
            // The address is replicated first, so every member (and any future leader) can reach the learner.
            CompletableFuture<MembershipResponse> f = runtime
                    .propose(NodeStateMachine.addressCommand(req.getNodeId(), req.getAddress()))
                    .thenCompose(ignored -> runtime.changeMembership(MembershipChange.addLearner(req.getNodeId())))
                    .thenCompose(this::membershipResponse);
            respond(f, out);
        } catch (RuntimeException e) {
            out.onError(GrpcErrors.toStatus(e, addressOf));
        }
    }

    @Override
    public void promoteLearner(PromoteLearnerRequest req, StreamObserver<MembershipResponse> out) {
        try {
            long id = checkId(req.getNodeId());
            CompletableFuture<MembershipResponse> f = runtime.status().thenCompose(s -> {
                if (s.role() != io.raftkv.raft.Role.LEADER) {
                    throw RequestFailure.notLeader(s.leader());
                }
                if (!s.membership().isLearner(id)) {
                    throw new RequestFailure(RequestFailure.Reason.MEMBERSHIP, "node " + id + " is not a learner");
                }
                NodeStatus.PeerProgress p = s.progress().get(id);
                long lag = p == null ? s.lastIndex() : s.lastIndex() - p.matchIndex();
                if (p == null || !p.recentlyActive() || lag > MAX_PROMOTION_LAG) {
                    throw new RequestFailure(RequestFailure.Reason.MEMBERSHIP, "learner " + id + " is not caught up ("
                            + lag + " entries behind" + (p != null && !p.recentlyActive() ? ", not answering" : "")
                            + "); promote it once it is within " + MAX_PROMOTION_LAG + " entries");
                }
                return runtime.changeMembership(MembershipChange.promote(id));
            }).thenCompose(this::membershipResponse);
            respond(f, out);
        } catch (RuntimeException e) {
            out.onError(GrpcErrors.toStatus(e, addressOf));
        }
    }

    @Override
    public void removeMember(RemoveMemberRequest req, StreamObserver<MembershipResponse> out) {
        try {
            long id = checkId(req.getNodeId());
            respond(runtime.changeMembership(MembershipChange.remove(id)).thenCompose(this::membershipResponse), out);
        } catch (RuntimeException e) {
            out.onError(GrpcErrors.toStatus(e, addressOf));
        }
    }

    private CompletableFuture<MembershipResponse> membershipResponse(Membership m) {
        return runtime.status().thenApply(s -> MembershipResponse.newBuilder().setIndex(runtime.appliedIndex())
                .addAllMembers(members(m, s)).build());
    }

    @Override
    public void transferLeadership(TransferLeadershipRequest req, StreamObserver<TransferLeadershipResponse> out) {
        long self = runtime.id();
        CompletableFuture<TransferLeadershipResponse> f = runtime.transferLeadership(req.getTargetId())
                .thenCompose(r -> switch (r) {
                    case ALREADY_LEADER -> CompletableFuture.completedFuture(answer());
                    case NOT_LEADER -> CompletableFuture.failedFuture(RequestFailure.notLeader(runtime.view().leader()));
                    case NOT_A_VOTER -> CompletableFuture.failedFuture(new RequestFailure(
                            RequestFailure.Reason.MEMBERSHIP, req.getTargetId() == 0 ? "there is no other voter"
                            : "node " + req.getTargetId() + " is not a voter"));
                    case TARGET_NOT_CAUGHT_UP -> CompletableFuture.failedFuture(new RequestFailure(
                            RequestFailure.Reason.MEMBERSHIP, "the target is not caught up with the leader; retry"));
                    case STARTED -> until(() -> {
                        RaftRuntime.View v = runtime.view();
                        return v.leader() != self && v.leader() != RaftNode.NONE;
                    }).thenApply(x -> answer());
                });
        respond(f, out);
    }

    private TransferLeadershipResponse answer() {
        RaftRuntime.View v = runtime.view();
        return TransferLeadershipResponse.newBuilder().setLeaderId(v.leader()).setTerm(v.term()).build();
    }

    @Override
    public void takeSnapshot(TakeSnapshotRequest request, StreamObserver<TakeSnapshotResponse> out) {
        respond(runtime.takeSnapshot().thenApply(meta -> TakeSnapshotResponse.newBuilder()
                .setIndex(meta != null ? meta.index() : runtime.snapshotIndex())
                .setSizeBytes(meta != null ? meta.sizeBytes() : 0).build()), out);
    }

    /** Completes when {@code condition} holds, checking every 10 ms. */
    private CompletableFuture<Void> until(BooleanSupplier condition) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        ScheduledFuture<?> poll = timer.scheduleAtFixedRate(() -> {
            if (condition.getAsBoolean()) {
                f.complete(null);
            }
        }, 0, 10, TimeUnit.MILLISECONDS);
        f.whenComplete((v, e) -> poll.cancel(false));
        return f;
    }

    private static long checkId(long id) {
        if (id == RaftNode.NONE) {
            throw GrpcErrors.invalid("INVALID_ARGUMENT", "node_id must be >= 1");
        }
        return id;
    }

    private <T> void respond(CompletableFuture<T> f, StreamObserver<T> out) {
        long ms = io.grpc.Context.current().getDeadline() != null
                ? Math.max(1, io.grpc.Context.current().getDeadline().timeRemaining(TimeUnit.MILLISECONDS))
                : timeout.toMillis();
        f.orTimeout(ms, TimeUnit.MILLISECONDS).whenComplete((v, e) -> {
            if (e != null) {
                Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                        ? e.getCause() : e;
                out.onError(GrpcErrors.toStatus(cause instanceof TimeoutException ? cause : e, addressOf));
            } else {
                out.onNext(v);
                out.onCompleted();
            }
        });
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
