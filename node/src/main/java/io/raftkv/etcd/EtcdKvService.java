package io.raftkv.etcd;

import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.CompactionResponse;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.DeleteRangeResponse;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.PutResponse;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.raftkv.kv.KvCommand;
import io.raftkv.kv.KvCommandCodec;
import io.raftkv.kv.KvResult;
import io.raftkv.kv.KvStateMachine;
import io.raftkv.kv.OpResult;
import io.raftkv.kv.RangeQuery;
import io.raftkv.kv.TxnChecks;
import io.raftkv.kv.TxnOp;
import io.raftkv.raft.Role;
import io.raftkv.runtime.RaftRuntime;
import io.raftkv.runtime.RequestFailure;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * etcd's {@code etcdserverpb.KV} service over RaftKV's store (docs/etcd-api.md): Range, Put, DeleteRange, Txn and
 * Compact. Requests are checked as etcd checks them, writes become {@link KvCommand.Txn} / {@link
 * KvCommand.Compact} commands proposed through Raft (a follower forwards them to the leader, as etcd members do),
 * reads run on the store through ReadIndex or, when {@code serializable}, locally.
 *
 * <p>Handlers run on the gRPC event loop and never block: they validate, hand the work to the Raft runtime and
 * answer from its future's completion.
 */
public final class EtcdKvService extends KVGrpc.KVImplBase {

    /** etcd's default --max-request-bytes (1.5 MiB). */
    static final int MAX_REQUEST_BYTES = 3 * 512 * 1024;

    private final long clusterId;
    private final long memberId;
    private final RaftRuntime runtime;
    private final KvStateMachine kv;
    private final BooleanSupplier diskAlarm;
    private final Duration defaultTimeout;
    private final LeaderForwarder forwarder;

    public EtcdKvService(long clusterId, long memberId, RaftRuntime runtime, KvStateMachine kv,
                         BooleanSupplier diskAlarm, Duration defaultTimeout, LeaderForwarder forwarder) {
        this.clusterId = clusterId;
        this.memberId = memberId;
        this.runtime = runtime;
        this.kv = kv;
        this.diskAlarm = diskAlarm;
        this.defaultTimeout = defaultTimeout;
        this.forwarder = forwarder;
    }

    @Override
    public void range(RangeRequest req, StreamObserver<RangeResponse> out) {
        try {
            RangeQuery q = EtcdProtos.query(req);
            refuse(TxnChecks.check(q));
            CompletableFuture<OpResult.Range> f = runtime.read(sm -> kv.range(q), !req.getSerializable());
            respond(f, out, r -> EtcdProtos.range(r, header(r.revision())),
                    (leader, ms) -> forwarder.forward(leader, KVGrpc.getRangeMethod(), req, ms));
        } catch (RuntimeException e) {
            fail(e, out);
        }
    }

    @Override
    public void put(PutRequest req, StreamObserver<PutResponse> out) {
        try {
            checkSize(req.getSerializedSize());
            TxnOp.Put put = EtcdProtos.put(req);
            io.raftkv.kv.TxnRequest txn = io.raftkv.kv.TxnRequest.of(put);
            refuse(TxnChecks.check(txn));
            respond(write(new KvCommand.Txn(0, 1, System.currentTimeMillis(), txn)), out, r -> {
                OpResult.Put p = (OpResult.Put) r.txn().responses().get(0);
                return EtcdProtos.put(p, req.getPrevKv(), header(r.revision()));
            }, (leader, ms) -> forwarder.forward(leader, KVGrpc.getPutMethod(), req, ms));
        } catch (RuntimeException e) {
            fail(e, out);
        }
    }

    @Override
    public void deleteRange(DeleteRangeRequest req, StreamObserver<DeleteRangeResponse> out) {
        try {
            io.raftkv.kv.TxnRequest txn = io.raftkv.kv.TxnRequest.of(EtcdProtos.delete(req));
            refuse(TxnChecks.check(txn));
            respond(write(new KvCommand.Txn(0, 1, System.currentTimeMillis(), txn)), out, r -> EtcdProtos.delete(
                            (OpResult.DeleteRange) r.txn().responses().get(0), header(r.revision())),
                    (leader, ms) -> forwarder.forward(leader, KVGrpc.getDeleteRangeMethod(), req, ms));
        } catch (RuntimeException e) {
            fail(e, out);
        }
    }

    @Override
    public void txn(TxnRequest req, StreamObserver<TxnResponse> out) {
        try {
            checkSize(req.getSerializedSize());
            io.raftkv.kv.TxnRequest txn = EtcdProtos.txn(req);
            refuse(TxnChecks.check(txn));
            if (!txn.isWrite()) {
                // etcd: a read-only txn is a read, local if every range in it is serializable.
                CompletableFuture<OpResult.Txn> f = runtime.read(sm -> kv.read(txn), !serializable(req));
                respond(f, out, r -> EtcdProtos.txn(r, req, header(r.revision())),
                        (leader, ms) -> forwarder.forward(leader, KVGrpc.getTxnMethod(), req, ms));
                return;
            }
            respond(write(new KvCommand.Txn(0, 1, System.currentTimeMillis(), txn)), out,
                    r -> EtcdProtos.txn(r.txn(), req, header(r.revision())),
                    (leader, ms) -> forwarder.forward(leader, KVGrpc.getTxnMethod(), req, ms));
        } catch (RuntimeException e) {
            fail(e, out);
        }
    }

    @Override
    public void compact(CompactionRequest req, StreamObserver<CompactionResponse> out) {
        try {
            respond(write(new KvCommand.Compact(0, 1, System.currentTimeMillis(), req.getRevision())), out,
                    r -> CompactionResponse.newBuilder().setHeader(header(r.revision())).build(),
                    (leader, ms) -> forwarder.forward(leader, KVGrpc.getCompactMethod(), req, ms));
        } catch (RuntimeException e) {
            fail(e, out);
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static boolean serializable(TxnRequest req) {
        return allSerializable(req.getSuccessList()) && allSerializable(req.getFailureList());
    }

    private static boolean allSerializable(java.util.List<RequestOp> ops) {
        for (RequestOp op : ops) {
            if (op.hasRequestRange() && !op.getRequestRange().getSerializable()
                    || op.hasRequestTxn() && !serializable(op.getRequestTxn())) {
                return false;
            }
        }
        return true;
    }

    private CompletableFuture<KvResult> write(KvCommand command) {
        if (runtime.view().role() == Role.LEADER && diskAlarm.getAsBoolean()) {
            return CompletableFuture.failedFuture(EtcdErrors.NO_SPACE);
        }
        return runtime.propose(KvCommandCodec.encode(command)).thenApply(o -> {
            KvResult r = (KvResult) o;
            StatusRuntimeException error = EtcdErrors.of(r);
            if (error != null) {
                throw error;
            }
            return r;
        });
    }

    private static void refuse(Optional<TxnChecks.Violation> violation) {
        if (violation.isPresent()) {
            throw EtcdErrors.of(violation.get());
        }
    }

    private static void checkSize(int bytes) {
        if (bytes > MAX_REQUEST_BYTES) {
            throw EtcdErrors.REQUEST_TOO_LARGE;
        }
    }

    private ResponseHeader header(long revision) {
        return ResponseHeader.newBuilder().setClusterId(clusterId).setMemberId(memberId).setRevision(revision)
                .setRaftTerm(runtime.view().term()).build();
    }

    /**
     * Answers when {@code f} completes (within the caller's deadline or the default timeout). A request this
     * node cannot serve because it is not the leader goes to the leader through {@code forward}.
     */
    private <T, R> void respond(CompletableFuture<T> f, StreamObserver<R> out, Function<T, R> toResponse,
                                Forward<R> forward) {
        boolean mayForward = !LeaderForwarder.currentCallWasForwarded();
        Deadline deadline = Context.current().getDeadline();
        long ms = deadline != null ? Math.max(1, deadline.timeRemaining(TimeUnit.MILLISECONDS))
                : defaultTimeout.toMillis();
        f.orTimeout(ms, TimeUnit.MILLISECONDS).whenComplete((v, e) -> {
            if (e != null) {
                Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                        ? e.getCause() : e;
                if (mayForward && cause instanceof RequestFailure rf && rf.reason() == RequestFailure.Reason.NOT_LEADER
                        && forwarder.canForward(rf.leaderId())) {
                    forward.to(rf.leaderId(), ms).whenComplete((fv, fe) -> {
                        if (fe != null) {
                            fail(fe, out);
                        } else {
                            complete(fv, out);
                        }
                    });
                    return;
                }
                fail(e, out);
                return;
            }
            R response;
            try {
                response = toResponse.apply(v);
            } catch (RuntimeException x) {
                fail(x, out);
                return;
            }
            complete(response, out);
        });
    }

    /** Sends the original request to the leader. */
    @FunctionalInterface
    private interface Forward<R> {
        CompletableFuture<R> to(long leaderId, long timeoutMs);
    }

    private static <R> void complete(R response, StreamObserver<R> out) {
        if (!cancelled(out)) {
            out.onNext(response);
            out.onCompleted();
        }
    }

    private static <R> void fail(Throwable e, StreamObserver<R> out) {
        if (!cancelled(out)) {
            out.onError(EtcdErrors.toStatus(e));
        }
    }

    private static boolean cancelled(StreamObserver<?> out) {
        return out instanceof ServerCallStreamObserver<?> s && s.isCancelled();
    }
}
