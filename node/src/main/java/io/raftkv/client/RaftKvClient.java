package io.raftkv.client;

import com.google.protobuf.ByteString;
import com.google.rpc.ErrorInfo;
import io.grpc.ConnectivityState;
import io.grpc.Deadline;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.raftkv.grpc.GrpcErrors;
import io.raftkv.grpc.proto.AddLearnerRequest;
import io.raftkv.grpc.proto.ClusterGrpc;
import io.raftkv.grpc.proto.CompareAndSwapRequest;
import io.raftkv.grpc.proto.CompareAndSwapResponse;
import io.raftkv.grpc.proto.Consistency;
import io.raftkv.grpc.proto.DeleteRequest;
import io.raftkv.grpc.proto.DeleteResponse;
import io.raftkv.grpc.proto.GetRequest;
import io.raftkv.grpc.proto.GetResponse;
import io.raftkv.grpc.proto.KVGrpc;
import io.raftkv.grpc.proto.MembershipResponse;
import io.raftkv.grpc.proto.PromoteLearnerRequest;
import io.raftkv.grpc.proto.PutRequest;
import io.raftkv.grpc.proto.PutResponse;
import io.raftkv.grpc.proto.RangeRequest;
import io.raftkv.grpc.proto.RangeResponse;
import io.raftkv.grpc.proto.RemoveMemberRequest;
import io.raftkv.grpc.proto.StatusRequest;
import io.raftkv.grpc.proto.StatusResponse;
import io.raftkv.grpc.proto.TakeSnapshotRequest;
import io.raftkv.grpc.proto.TakeSnapshotResponse;
import io.raftkv.grpc.proto.TransferLeadershipRequest;
import io.raftkv.grpc.proto.TransferLeadershipResponse;
import io.raftkv.grpc.proto.WriteId;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The Java client of a RaftKV cluster. It finds the leader (following NOT_LEADER answers, trying the other
 * endpoints otherwise), retries NOT_LEADER and UNAVAILABLE with jittered exponential backoff within each
 * request's deadline, keeps one connection per node, and makes every write exactly-once: each write carries a
 * session ID and sequence number that its retries reuse, so a write is applied once however often it is sent.
 *
 * <p>Every operation exists in an asynchronous form ({@code ...Async}, a {@link CompletableFuture}) and a
 * blocking form that throws {@link RaftKvException}. Thread-safe; create one per application and close it.
 */
public final class RaftKvClient implements AutoCloseable {

    /**
     * How a client talks to a cluster.
     *
     * @param noLeaderGrace how long a request may fail for want of a leader before the client asks every member
     *                      for its status; if so many voters are unreachable (connection refused, unknown host)
     *                      that the others are no majority, no leader can be elected until members come back, so
     *                      the request fails then ("no leader: 1 of 3 members answered; ...") instead of at its
     *                      deadline. Longer than an election timeout, so that an election in progress is not
     *                      mistaken for a lost quorum; a member that is only slow never counts as lost.
     */
    public record Options(Duration deadline, Duration attemptTimeout, Duration initialBackoff, Duration maxBackoff,
                          Duration noLeaderGrace) {
        /** With the default no-leader grace (2 s). */
        public Options(Duration deadline, Duration attemptTimeout, Duration initialBackoff, Duration maxBackoff) {
            this(deadline, attemptTimeout, initialBackoff, maxBackoff, Duration.ofSeconds(2));
        }

        public static Options defaults() {
            return new Options(Duration.ofSeconds(10), Duration.ofSeconds(3), Duration.ofMillis(20),
                    Duration.ofMillis(500));
        }

        public Options withDeadline(Duration d) {
            return new Options(d, attemptTimeout, initialBackoff, maxBackoff, noLeaderGrace);
        }

        public Options withNoLeaderGrace(Duration d) {
            return new Options(deadline, attemptTimeout, initialBackoff, maxBackoff, d);
        }
    }

    /** How long each Status call of a health probe may take. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

    private final List<String> endpoints;
    private final Options options;
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    private final SessionPool sessions = new SessionPool();
    private final AtomicInteger nextEndpoint = new AtomicInteger();
    private final ScheduledExecutorService scheduler;
    private volatile String leader;

    /** @param endpoints "host:port" of some cluster members (one is enough; the leader is found from there) */
    public RaftKvClient(List<String> endpoints, Options options) {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("at least one endpoint (host:port) is needed");
        }
        this.endpoints = List.copyOf(endpoints);
        this.options = options;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "raftkv-client-retry");
            t.setDaemon(true);
            return t;
        });
    }

    public RaftKvClient(List<String> endpoints) {
        this(endpoints, Options.defaults());
    }

    // ------------------------------------------------------------------------------------------ KV, async

    public CompletableFuture<PutResponse> putAsync(ByteString key, ByteString value) {
        return write(id -> leaderCall(ch -> unary(o -> kv(ch).put(
                PutRequest.newBuilder().setKey(key).setValue(value).setWriteId(id).build(), o))));
    }

    public CompletableFuture<DeleteResponse> deleteAsync(ByteString key) {
        return write(id -> leaderCall(ch -> unary(o -> kv(ch).delete(
                DeleteRequest.newBuilder().setKey(key).setWriteId(id).build(), o))));
    }

    /** Sets {@code newValue} if the key's current value is {@code expectedValue}. */
    public CompletableFuture<CompareAndSwapResponse> casValueAsync(ByteString key, ByteString expectedValue,
                                                                   ByteString newValue) {
        return write(id -> leaderCall(ch -> unary(o -> kv(ch).compareAndSwap(CompareAndSwapRequest.newBuilder()
                .setKey(key).setExpectedValue(expectedValue).setNewValue(newValue).setWriteId(id).build(), o))));
    }

    /** Sets {@code newValue} if the key's version is {@code expectedVersion} (0: only if the key is absent). */
    public CompletableFuture<CompareAndSwapResponse> casVersionAsync(ByteString key, long expectedVersion,
                                                                     ByteString newValue) {
        return write(id -> leaderCall(ch -> unary(o -> kv(ch).compareAndSwap(CompareAndSwapRequest.newBuilder()
                .setKey(key).setExpectedVersion(expectedVersion).setNewValue(newValue).setWriteId(id).build(), o))));
    }

    public CompletableFuture<GetResponse> getAsync(ByteString key, Consistency consistency) {
        GetRequest req = GetRequest.newBuilder().setKey(key).setConsistency(consistency).build();
        return leaderCall(ch -> unary(o -> kv(ch).get(req, o)));
    }

    public CompletableFuture<RangeResponse> rangeAsync(RangeRequest request) {
        return leaderCall(ch -> unary(o -> kv(ch).range(request, o)));
    }

    // ------------------------------------------------------------------------------------------ KV, blocking

    public PutResponse put(String key, String value) {
        return join(putAsync(utf8(key), utf8(value)));
    }

    public PutResponse put(ByteString key, ByteString value) {
        return join(putAsync(key, value));
    }

    /** The value of {@code key} (linearizable read), or null if absent. */
    public String get(String key) {
        GetResponse r = join(getAsync(utf8(key), Consistency.LINEARIZABLE));
        return r.getFound() ? r.getKv().getValue().toStringUtf8() : null;
    }

    public GetResponse get(ByteString key, Consistency consistency) {
        return join(getAsync(key, consistency));
    }

    public DeleteResponse delete(String key) {
        return join(deleteAsync(utf8(key)));
    }

    public CompareAndSwapResponse casValue(String key, String expected, String newValue) {
        return join(casValueAsync(utf8(key), utf8(expected), utf8(newValue)));
    }

    public CompareAndSwapResponse casValue(ByteString key, ByteString expected, ByteString newValue) {
        return join(casValueAsync(key, expected, newValue));
    }

    public CompareAndSwapResponse casVersion(String key, long expectedVersion, String newValue) {
        return join(casVersionAsync(utf8(key), expectedVersion, utf8(newValue)));
    }

    public CompareAndSwapResponse casVersion(ByteString key, long expectedVersion, ByteString newValue) {
        return join(casVersionAsync(key, expectedVersion, newValue));
    }

    public RangeResponse range(RangeRequest request) {
        return join(rangeAsync(request));
    }

    // ------------------------------------------------------------------------------------------ cluster admin

    /** The status of one node, as that node sees it (no retries elsewhere). */
    public StatusResponse status(String endpoint) {
        return join(statusAsync(endpoint, options.deadline()));
    }

    private CompletableFuture<StatusResponse> statusAsync(String endpoint, Duration timeout) {
        return direct(endpoint, timeout, ch -> unary(o -> cluster(ch).status(StatusRequest.getDefaultInstance(), o)));
    }

    /**
     * Asks every endpoint, and every member the answers name, for its status: who answers, who leads, whether a
     * majority of the voters is up. Never fails; a member that does not answer within {@code perCall} is down.
     */
    public ClusterHealth health(Duration perCall) {
        return join(healthAsync(perCall));
    }

    public CompletableFuture<ClusterHealth> healthAsync(Duration perCall) {
        return ClusterProbe.run(endpoints, e -> statusAsync(e, perCall));
    }

    /** The leader's status (it alone knows every member's progress). */
    public StatusResponse leaderStatus() {
        return join(leaderCall(ch -> RaftKvClient.<StatusResponse>unary(
                        o -> cluster(ch).status(StatusRequest.getDefaultInstance(), o))
                .thenCompose(s -> s.getRole() == io.raftkv.grpc.proto.Role.LEADER ? CompletableFuture.completedFuture(s)
                        : CompletableFuture.failedFuture(notLeaderYet(s)))));
    }

    public MembershipResponse addLearner(long nodeId, String address) {
        return join(leaderCall(ch -> unary(o -> cluster(ch).addLearner(
                AddLearnerRequest.newBuilder().setNodeId(nodeId).setAddress(address).build(), o))));
    }

    public MembershipResponse promoteLearner(long nodeId) {
        return join(leaderCall(ch -> unary(o -> cluster(ch).promoteLearner(
                PromoteLearnerRequest.newBuilder().setNodeId(nodeId).build(), o))));
    }

    public MembershipResponse removeMember(long nodeId) {
        return join(leaderCall(ch -> unary(o -> cluster(ch).removeMember(
                RemoveMemberRequest.newBuilder().setNodeId(nodeId).build(), o))));
    }

    /** Hands leadership to {@code targetId} (0: the most caught-up voter). */
    public TransferLeadershipResponse transferLeadership(long targetId) {
        TransferLeadershipResponse r = join(leaderCall(ch -> unary(o -> cluster(ch).transferLeadership(
                TransferLeadershipRequest.newBuilder().setTargetId(targetId).build(), o))));
        leader = null;
        return r;
    }

    public TakeSnapshotResponse takeSnapshot(String endpoint) {
        return join(direct(endpoint, options.deadline(), ch -> unary(o -> cluster(ch).takeSnapshot(
                TakeSnapshotRequest.getDefaultInstance(), o))));
    }

    // ------------------------------------------------------------------------------------------ machinery

    /** Runs a write with a session; a retry inside {@link #leaderCall} reuses its sequence number. */
    private <R> CompletableFuture<R> write(Function<WriteId, CompletableFuture<R>> op) {
        Session s = sessions.take();
        WriteId id = WriteId.newBuilder().setClientId(s.clientId).setSeq(s.nextSeq()).build();
        return op.apply(id).handle((r, e) -> {
            s.advance();
            if (e != null && "SESSION_EXPIRED".equals(reasonOf(e))) {
                // The session was forgotten while idle; the write was refused, not applied: redo it afresh.
                return write(op);
            }
            sessions.release(s);
            return e == null ? CompletableFuture.completedFuture(r) : CompletableFuture.<R>failedFuture(e);
        }).thenCompose(Function.identity());
    }

    /** Sends to the leader (or a guess), following redirects and retrying within the deadline. */
    private <R> CompletableFuture<R> leaderCall(Function<ManagedChannel, CompletableFuture<R>> attempt) {
        Call<R> call = new Call<>(attempt, System.nanoTime() + options.deadline().toNanos());
        String first = leader != null ? leader : endpoints.get(Math.floorMod(nextEndpoint.get(), endpoints.size()));
        tryOnce(call, first, 0);
        return call.result;
    }

    /**
     * One request's retries. Its fields are touched by one attempt at a time (each attempt is started by the
     * previous one's completion), so they need no lock.
     */
    private static final class Call<R> {
        final Function<ManagedChannel, CompletableFuture<R>> attempt;
        final long deadline;
        final long start = System.nanoTime();
        final CompletableFuture<R> result = new CompletableFuture<>();
        /** Endpoints where nothing listens (or whose name does not resolve), with the reason. */
        final Map<String, String> unreachable = new java.util.LinkedHashMap<>();
        /** Endpoints whose server answered (with an error, or this call would be over). */
        final java.util.Set<String> answered = new java.util.HashSet<>();
        boolean probed;
        long lastProbe;
        ClusterHealth lastHealth;

        Call(Function<ManagedChannel, CompletableFuture<R>> attempt, long deadline) {
            this.attempt = attempt;
            this.deadline = deadline;
        }
    }

    private <R> void tryOnce(Call<R> call, String target, int n) {
        long remaining = call.deadline - System.nanoTime();
        if (remaining <= 0) {
            call.result.completeExceptionally(new RaftKvException(Status.Code.DEADLINE_EXCEEDED, "TIMEOUT",
                    "no answer within " + options.deadline().toMillis() + " ms", null));
            return;
        }
        long attemptNanos = Math.min(remaining, options.attemptTimeout().toNanos());
        CompletableFuture<R> f;
        try {
            ManagedChannel ch = channel(target);
            f = AttemptDeadline.with(attemptNanos, () -> call.attempt.apply(ch));
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        f.whenComplete((r, e) -> {
            if (e == null) {
                leader = target;
                call.result.complete(r);
                return;
            }
            Throwable cause = unwrap(e);
            Status status = Status.fromThrowable(cause);
            ErrorInfo info = GrpcErrors.errorInfo(cause);
            String reason = info != null ? info.getReason() : "";
            if (reason.equals("NOT_LEADER") && info.containsMetadata(GrpcErrors.LEADER_ADDRESS)) {
                String next = info.getMetadataOrThrow(GrpcErrors.LEADER_ADDRESS);
                leader = next;
                if (!next.equals(target) && n < 3) {
                    tryOnce(call, next, n + 1); // a redirect needs no pause
                    return;
                }
            }
            if (!retryable(status.getCode(), reason, cause)) {
                call.result.completeExceptionally(toException(cause));
                return;
            }
            String unreachable = TransportErrors.unreachable(cause);
            if (unreachable != null) {
                call.unreachable.put(target, unreachable);
            } else {
                call.answered.add(target);
            }
            if (call.answered.isEmpty() && call.unreachable.keySet().containsAll(endpoints)) {
                // Nothing listens at any endpoint: the cluster is down or the endpoints are wrong, and waiting
                // for the deadline would only delay saying so.
                call.result.completeExceptionally(new RaftKvException(Status.Code.UNAVAILABLE, "UNREACHABLE",
                        "no member answered: " + describe(call.unreachable), cause));
                return;
            }
            if (leader != null && leader.equals(target)) {
                leader = null;
            }
            String next = leader != null ? leader
                    : endpoints.get(Math.floorMod(nextEndpoint.incrementAndGet(), endpoints.size()));
            long pause = backoffNanos(n);
            long now = System.nanoTime();
            if (now + pause >= call.deadline) {
                call.result.completeExceptionally(gaveUp(call, target, cause));
                return;
            }
            long grace = options.noLeaderGrace().toNanos();
            if (now - call.start >= grace && (!call.probed || now - call.lastProbe >= grace)) {
                call.probed = true;
                call.lastProbe = now;
                long probeNanos = Math.min(PROBE_TIMEOUT.toNanos(), call.deadline - now);
                healthAsync(Duration.ofNanos(probeNanos)).whenComplete((h, pe) -> {
                    call.lastHealth = h;
                    if (h != null && h.anyAnswered() && h.quorumCertainlyLost()) {
                        call.result.completeExceptionally(new RaftKvException(Status.Code.UNAVAILABLE, "NO_QUORUM",
                                h.describe(), cause));
                    } else {
                        scheduleRetry(call, next, n, pause);
                    }
                });
                return;
            }
            scheduleRetry(call, next, n, pause);
        });
    }

    private <R> void scheduleRetry(Call<R> call, String next, int n, long pauseNanos) {
        try {
            scheduler.schedule(() -> tryOnce(call, next, n + 1), pauseNanos, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            call.result.completeExceptionally(new RaftKvException(Status.Code.CANCELLED, "CLIENT_CLOSED",
                    "the client was closed", null));
        }
    }

    /** The error of a request that ran out of time: what the last attempt got, and what is known of the leader. */
    private RaftKvException gaveUp(Call<?> call, String target, Throwable cause) {
        RaftKvException last = toException(cause);
        String within = " (gave up after " + options.deadline().toMillis() + " ms)";
        ClusterHealth h = call.lastHealth;
        if (h != null && h.state() == ClusterHealth.State.DOWN) {
            return new RaftKvException(Status.Code.UNAVAILABLE, "NO_LEADER", h.describe() + within, cause);
        }
        String unreachable = TransportErrors.unreachable(cause);
        String message = unreachable != null ? target + ": " + unreachable : last.getMessage();
        return new RaftKvException(last.code(), last.reason(), message + within, cause);
    }

    private static String describe(Map<String, String> unreachable) {
        StringBuilder sb = new StringBuilder();
        unreachable.forEach((e, why) -> sb.append(sb.length() == 0 ? "" : ", ").append(e).append(" (").append(why)
                .append(')'));
        return sb.toString();
    }

    private static boolean retryable(Status.Code code, String reason, Throwable cause) {
        return switch (code) {
            case UNAVAILABLE -> true;
            case CANCELLED -> true; // the server went away mid-call (this client never cancels a call itself)
            case UNKNOWN -> true; // the connection broke mid-call ("channel closed"); the server maps its own
                                  // failures to documented codes, and writes are exactly-once, so a retry is safe
            case RESOURCE_EXHAUSTED -> !reason.equals("DISK_ALARM");
            case FAILED_PRECONDITION -> reason.equals("NOT_LEADER");
            case DEADLINE_EXCEEDED -> true; // one attempt's timeout; the overall deadline is checked before retrying
            default -> cause instanceof NotLeaderYet;
        };
    }

    private long backoffNanos(int attempt) {
        long base = options.initialBackoff().toNanos() << Math.min(attempt, 10);
        long capped = Math.min(base, options.maxBackoff().toNanos());
        return capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
    }

    private ManagedChannel channel(String target) {
        ManagedChannel ch = channels.computeIfAbsent(target, t -> Grpc.newChannelBuilder(t,
                InsecureChannelCredentials.create()).maxInboundMessageSize(64 << 20).build());
        if (ch.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
            // gRPC waits out a reconnect backoff (up to 2 minutes) after failures, failing every call meanwhile;
            // a node that came back must be usable at once.
            ch.resetConnectBackoff();
        }
        return ch;
    }

    private static KVGrpc.KVStub kv(ManagedChannel ch) {
        return AttemptDeadline.apply(KVGrpc.newStub(ch));
    }

    private static ClusterGrpc.ClusterStub cluster(ManagedChannel ch) {
        return AttemptDeadline.apply(ClusterGrpc.newStub(ch));
    }

    /** A call to one given node, bounded by {@code timeout} (no retries elsewhere); errors name the node. */
    private <R> CompletableFuture<R> direct(String endpoint, Duration timeout,
                                            Function<ManagedChannel, CompletableFuture<R>> call) {
        CompletableFuture<R> f;
        try {
            ManagedChannel ch = channel(endpoint);
            f = AttemptDeadline.with(timeout.toNanos(), () -> call.apply(ch));
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        return f.exceptionallyCompose(e -> {
            Throwable cause = unwrap(e);
            String unreachable = TransportErrors.unreachable(cause);
            if (unreachable == null && Status.fromThrowable(cause).getCode() != Status.Code.DEADLINE_EXCEEDED) {
                return CompletableFuture.failedFuture(cause);
            }
            RaftKvException k = toException(cause);
            return CompletableFuture.failedFuture(new RaftKvException(k.code(), k.reason(), endpoint + ": "
                    + (unreachable != null ? unreachable : "no answer within " + timeout.toMillis() + " ms"), cause));
        });
    }

    /** Adapts one unary call to a future. */
    private static <R> CompletableFuture<R> unary(Consumer<StreamObserver<R>> call) {
        CompletableFuture<R> f = new CompletableFuture<>();
        call.accept(new StreamObserver<>() {
            @Override
            public void onNext(R value) {
                f.complete(value);
            }

            @Override
            public void onError(Throwable t) {
                f.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
            }
        });
        return f;
    }

    /** A node answered Status but is not (or no longer) the leader. */
    private static final class NotLeaderYet extends RuntimeException {
        NotLeaderYet(String message) {
            super(message, null, false, false);
        }
    }

    private static NotLeaderYet notLeaderYet(StatusResponse s) {
        return new NotLeaderYet("node " + s.getMemberId() + " is not the leader (leader: " + s.getLeaderId() + ")");
    }

    private static Throwable unwrap(Throwable t) {
        return TransportErrors.unwrap(t);
    }

    private static String reasonOf(Throwable e) {
        Throwable c = unwrap(e);
        if (c instanceof RaftKvException k) {
            return k.reason();
        }
        ErrorInfo info = GrpcErrors.errorInfo(c);
        return info == null ? "" : info.getReason();
    }

    private static RaftKvException toException(Throwable cause) {
        if (cause instanceof RaftKvException k) {
            return k;
        }
        if (cause instanceof NotLeaderYet n) {
            return new RaftKvException(Status.Code.UNAVAILABLE, "NO_LEADER", n.getMessage(), n);
        }
        Status status = Status.fromThrowable(cause);
        ErrorInfo info = GrpcErrors.errorInfo(cause);
        String message = status.getDescription() != null ? status.getDescription()
                : status.getCause() != null ? status.getCause().toString() : status.getCode().name();
        return new RaftKvException(status.getCode(), info != null ? info.getReason() : "", message, cause);
    }

    /** Waits for a future and turns its failure into a {@link RaftKvException}. */
    static <R> R join(CompletableFuture<R> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            throw toException(unwrap(e));
        }
    }

    static ByteString utf8(String s) {
        return ByteString.copyFrom(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        channels.values().forEach(ManagedChannel::shutdownNow);
        channels.clear();
    }

    /** Carries one attempt's deadline to the stubs it creates (the stubs are made inside the attempt). */
    private static final class AttemptDeadline {
        private static final ThreadLocal<Long> NANOS = new ThreadLocal<>();

        static <R> CompletableFuture<R> with(long nanos, java.util.function.Supplier<CompletableFuture<R>> body) {
            NANOS.set(nanos);
            try {
                return body.get();
            } finally {
                NANOS.remove();
            }
        }

        static <S extends io.grpc.stub.AbstractStub<S>> S apply(S stub) {
            Long nanos = NANOS.get();
            return stub.withDeadline(Deadline.after(nanos != null ? nanos : TimeUnit.SECONDS.toNanos(10),
                    TimeUnit.NANOSECONDS));
        }
    }
}
