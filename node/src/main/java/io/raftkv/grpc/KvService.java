package io.raftkv.grpc;

import com.google.protobuf.ByteString;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.raftkv.grpc.proto.CompareAndSwapRequest;
import io.raftkv.grpc.proto.CompareAndSwapResponse;
import io.raftkv.grpc.proto.Consistency;
import io.raftkv.grpc.proto.DeleteRequest;
import io.raftkv.grpc.proto.DeleteResponse;
import io.raftkv.grpc.proto.GetRequest;
import io.raftkv.grpc.proto.GetResponse;
import io.raftkv.grpc.proto.KVGrpc;
import io.raftkv.grpc.proto.PutRequest;
import io.raftkv.grpc.proto.PutResponse;
import io.raftkv.grpc.proto.RangeRequest;
import io.raftkv.grpc.proto.RangeResponse;
import io.raftkv.grpc.proto.ResponseHeader;
import io.raftkv.grpc.proto.WriteId;
import io.raftkv.kv.Bytes;
import io.raftkv.kv.KeyValue;
import io.raftkv.kv.KvCommand;
import io.raftkv.kv.KvCommandCodec;
import io.raftkv.kv.KvResult;
import io.raftkv.kv.KvStateMachine;
import io.raftkv.kv.RangeResult;
import io.raftkv.runtime.RaftRuntime;
import io.raftkv.runtime.RequestFailure;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.LongFunction;

/**
 * The KV service: validates requests, turns writes into {@link KvCommand}s proposed through Raft, serves
 * reads through ReadIndex (or locally when SERIALIZABLE is asked), and answers with revisions.
 */
public final class KvService extends KVGrpc.KVImplBase {

    /** Limits on requests, checked before anything is proposed. */
    public record Limits(int maxKeyBytes, int maxValueBytes, Duration defaultTimeout) {
    }

    static final int DEFAULT_RANGE_LIMIT = 1000;
    static final int MAX_RANGE_LIMIT = 10_000;

    private record Read<T>(T value, long revision, long appliedIndex) {
    }

    private final long memberId;
    private final RaftRuntime runtime;
    private final KvStateMachine kv;
    private final Limits limits;
    private final LongFunction<String> addressOf;
    private final BooleanSupplier diskAlarm;
    private final MeterRegistry metrics;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    public KvService(long memberId, RaftRuntime runtime, KvStateMachine kv, Limits limits,
                     LongFunction<String> addressOf, BooleanSupplier diskAlarm, MeterRegistry metrics) {
        this.memberId = memberId;
        this.runtime = runtime;
        this.kv = kv;
        this.limits = limits;
        this.addressOf = addressOf;
        this.diskAlarm = diskAlarm;
        this.metrics = metrics;
    }

    @Override
    public void put(PutRequest req, StreamObserver<PutResponse> out) {
        long t0 = System.nanoTime();
        try {
            Bytes key = key(req.getKey(), "key");
            Bytes value = value(req.getValue(), "value");
            refuseWhenDiskFull();
            long[] id = writeId(req.hasWriteId() ? req.getWriteId() : null);
            KvCommand cmd = new KvCommand.Put(id[0], id[1], System.currentTimeMillis(), key, value);
            respond("put", t0, write(cmd), out, r -> {
                PutResponse.Builder b = PutResponse.newBuilder().setHeader(header(r.revision()));
                if (r.current() != null) {
                    b.setKv(toProto(r.current(), true));
                }
                if (r.prior() != null) {
                    b.setPrevKv(toProto(r.prior(), true));
                }
                return b.build();
            });
        } catch (RuntimeException e) {
            fail("put", t0, e, out);
        }
    }

    @Override
    public void delete(DeleteRequest req, StreamObserver<DeleteResponse> out) {
        long t0 = System.nanoTime();
        try {
            Bytes key = key(req.getKey(), "key");
            long[] id = writeId(req.hasWriteId() ? req.getWriteId() : null);
            KvCommand cmd = new KvCommand.Delete(id[0], id[1], System.currentTimeMillis(), key);
            respond("delete", t0, write(cmd), out, r -> {
                DeleteResponse.Builder b = DeleteResponse.newBuilder().setHeader(header(r.revision()))
                        .setDeleted(r.code() == KvResult.Code.OK);
                if (r.code() == KvResult.Code.OK && r.prior() != null) {
                    b.setPrevKv(toProto(r.prior(), true));
                }
                return b.build();
            });
        } catch (RuntimeException e) {
            fail("delete", t0, e, out);
        }
    }

    @Override
    public void compareAndSwap(CompareAndSwapRequest req, StreamObserver<CompareAndSwapResponse> out) {
        long t0 = System.nanoTime();
        try {
            Bytes key = key(req.getKey(), "key");
            Bytes newValue = value(req.getNewValue(), "new_value");
            KvCommand.Condition condition = switch (req.getExpectedCase()) {
                case EXPECTED_VALUE -> new KvCommand.ValueEquals(value(req.getExpectedValue(), "expected_value"));
                case EXPECTED_VERSION -> {
                    if (req.getExpectedVersion() < 0) {
                        throw GrpcErrors.invalid("INVALID_ARGUMENT",
                                "expected_version must be >= 0 (0 = the key must not exist), got "
                                        + req.getExpectedVersion());
                    }
                    yield new KvCommand.VersionEquals(req.getExpectedVersion());
                }
                case EXPECTED_NOT_SET -> throw GrpcErrors.invalid("INVALID_ARGUMENT",
                        "set exactly one of expected_value or expected_version");
            };
            refuseWhenDiskFull();
            long[] id = writeId(req.hasWriteId() ? req.getWriteId() : null);
            KvCommand cmd = new KvCommand.CompareAndSwap(id[0], id[1], System.currentTimeMillis(), key, condition,
                    newValue);
            respond("cas", t0, write(cmd), out, r -> {
                CompareAndSwapResponse.Builder b = CompareAndSwapResponse.newBuilder()
                        .setHeader(header(r.revision())).setSucceeded(r.code() == KvResult.Code.OK);
                if (r.current() != null) {
                    b.setKv(toProto(r.current(), true));
                }
                return b.build();
            });
        } catch (RuntimeException e) {
            fail("cas", t0, e, out);
        }
    }

    @Override
    public void get(GetRequest req, StreamObserver<GetResponse> out) {
        long t0 = System.nanoTime();
        try {
            Bytes key = key(req.getKey(), "key");
            CompletableFuture<Read<Optional<KeyValue>>> f = runtime.read(
                    sm -> new Read<>(kv.get(key), kv.revision(), kv.appliedIndex()),
                    req.getConsistency() != Consistency.SERIALIZABLE);
            respond(req.getConsistency() == Consistency.SERIALIZABLE ? "get_serializable" : "get", t0, f, out, r -> {
                GetResponse.Builder b = GetResponse.newBuilder()
                        .setHeader(header(r.revision(), r.appliedIndex())).setFound(r.value().isPresent());
                r.value().ifPresent(v -> b.setKv(toProto(v, true)));
                return b.build();
            });
        } catch (RuntimeException e) {
            fail("get", t0, e, out);
        }
    }

    @Override
    public void range(RangeRequest req, StreamObserver<RangeResponse> out) {
        long t0 = System.nanoTime();
        try {
            if (req.getPrefix().size() > limits.maxKeyBytes()) {
                throw GrpcErrors.invalid("INVALID_KEY", "prefix is " + req.getPrefix().size()
                        + " bytes, over the key limit of " + limits.maxKeyBytes());
            }
            Bytes prefix = Bytes.copyOf(req.getPrefix().asReadOnlyByteBuffer());
            Bytes after = req.getContinuationKey().isEmpty() ? null
                    : key(req.getContinuationKey(), "continuation_key");
            int limit = req.getLimit() == 0 ? DEFAULT_RANGE_LIMIT : Math.min(req.getLimit(), MAX_RANGE_LIMIT);
            boolean keysOnly = req.getKeysOnly();
            CompletableFuture<RangeResult> f = runtime.read(sm -> kv.range(prefix, after, limit),
                    req.getConsistency() != Consistency.SERIALIZABLE);
            respond("range", t0, f, out, r -> {
                RangeResponse.Builder b = RangeResponse.newBuilder()
                        .setHeader(header(r.revision(), r.appliedIndex())).setMore(r.hasMore());
                for (KeyValue e : r.entries()) {
                    b.addKvs(toProto(e, !keysOnly));
                }
                if (r.hasMore()) {
                    b.setNextKey(ByteString.copyFrom(r.continuation().asReadOnlyByteBuffer()));
                }
                return b.build();
            });
        } catch (RuntimeException e) {
            fail("range", t0, e, out);
        }
    }

    // ------------------------------------------------------------------------------------------ helpers

    private CompletableFuture<KvResult> write(KvCommand cmd) {
        return runtime.propose(KvCommandCodec.encode(cmd)).thenApply(o -> {
            KvResult r = (KvResult) o;
            return switch (r.code()) {
                case OK, NOT_FOUND, CONDITION_FAILED -> r;
                case SESSION_EXPIRED -> throw GrpcErrors.invalid("SESSION_EXPIRED", r.detail());
                case STALE_SEQUENCE -> throw GrpcErrors.invalid("STALE_SEQUENCE", r.detail());
                case INVALID -> throw GrpcErrors.invalid("INVALID_ARGUMENT", r.detail());
                case MALFORMED, NO_COMMAND, COMPACTED, FUTURE_REVISION, KEY_NOT_FOUND, LEASE_NOT_FOUND ->
                        throw Status.INTERNAL.withDescription("unexpected result " + r)
                        .asRuntimeException();
            };
        });
    }

    private Bytes key(ByteString key, String field) {
        if (key.isEmpty()) {
            throw GrpcErrors.invalid("INVALID_KEY", field + " must not be empty");
        }
        if (key.size() > limits.maxKeyBytes()) {
            throw GrpcErrors.invalid("INVALID_KEY", field + " is " + key.size() + " bytes, over the limit of "
                    + limits.maxKeyBytes());
        }
        return Bytes.copyOf(key.asReadOnlyByteBuffer());
    }

    private Bytes value(ByteString value, String field) {
        if (value.size() > limits.maxValueBytes()) {
            throw GrpcErrors.invalid("INVALID_VALUE", field + " is " + value.size() + " bytes, over the limit of "
                    + limits.maxValueBytes());
        }
        return Bytes.copyOf(value.asReadOnlyByteBuffer());
    }

    /** The (client id, seq) of a write; a fresh one-write session when the client gave none. */
    private static long[] writeId(WriteId id) {
        if (id == null || id.getClientId() == 0) {
            long client;
            do {
                client = ThreadLocalRandom.current().nextLong();
            } while (client == 0);
            return new long[] {client, 1};
        }
        if (id.getSeq() == 0) {
            throw GrpcErrors.invalid("INVALID_ARGUMENT", "write_id.seq must be >= 1 when write_id.client_id is set");
        }
        return new long[] {id.getClientId(), id.getSeq()};
    }

    /** Only the leader's disk matters here: a follower answers NOT_LEADER anyway, pointing to the leader. */
    private void refuseWhenDiskFull() {
        if (runtime.view().role() == io.raftkv.raft.Role.LEADER && diskAlarm.getAsBoolean()) {
            throw GrpcErrors.toStatus(new RequestFailure(RequestFailure.Reason.DISK_ALARM,
                    "the disk of node " + memberId + " is nearly full; writes are refused"), addressOf);
        }
    }

    private ResponseHeader header(long revision) {
        return header(revision, runtime.appliedIndex());
    }

    private ResponseHeader header(long revision, long applied) {
        return ResponseHeader.newBuilder().setMemberId(memberId).setTerm(runtime.view().term())
                .setRevision(revision).setAppliedIndex(applied).build();
    }

    static io.raftkv.grpc.proto.KeyValue toProto(KeyValue kv, boolean withValue) {
        io.raftkv.grpc.proto.KeyValue.Builder b = io.raftkv.grpc.proto.KeyValue.newBuilder()
                .setKey(ByteString.copyFrom(kv.key().asReadOnlyByteBuffer()))
                .setCreateRevision(kv.createRevision()).setModRevision(kv.modRevision()).setVersion(kv.version());
        if (withValue) {
            b.setValue(ByteString.copyFrom(kv.value().asReadOnlyByteBuffer()));
        }
        return b.build();
    }

    /**
     * Answers when {@code f} completes, or with DEADLINE_EXCEEDED when the caller's deadline (or the default
     * timeout) passes first, so no request waits forever for an entry that never commits.
     */
    private <T, R> void respond(String op, long t0, CompletableFuture<T> f, StreamObserver<R> out,
                                Function<T, R> toResponse) {
        Deadline deadline = Context.current().getDeadline();
        long ms = deadline != null ? Math.max(1, deadline.timeRemaining(TimeUnit.MILLISECONDS))
                : limits.defaultTimeout().toMillis();
        f.orTimeout(ms, TimeUnit.MILLISECONDS).whenComplete((v, e) -> {
            if (e != null) {
                fail(op, t0, e, out);
                return;
            }
            R response;
            try {
                response = toResponse.apply(v);
            } catch (RuntimeException x) {
                fail(op, t0, x, out);
                return;
            }
            if (!cancelled(out)) {
                out.onNext(response);
                out.onCompleted();
            }
            record(op, "ok", t0);
        });
    }

    private <R> void fail(String op, long t0, Throwable e, StreamObserver<R> out) {
        io.grpc.StatusRuntimeException status = GrpcErrors.toStatus(e, addressOf);
        record(op, status.getStatus().getCode().name().toLowerCase(java.util.Locale.ROOT), t0);
        if (!cancelled(out)) {
            out.onError(status);
        }
    }

    private static boolean cancelled(StreamObserver<?> out) {
        return out instanceof ServerCallStreamObserver<?> s && s.isCancelled();
    }

    private void record(String op, String outcome, long t0) {
        // Looked up once per (op, outcome): building a meter ID and finding it in the registry costs more than
        // recording, on every request.
        timers.computeIfAbsent(op + '/' + outcome, k -> Timer.builder("raftkv_request_seconds").tag("op", op)
                        .tag("outcome", outcome).publishPercentileHistogram().register(metrics))
                .record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
    }
}
