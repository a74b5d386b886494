package io.raftkv.etcd;

import io.grpc.CallOptions;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.raftkv.raft.RaftNode;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;

/**
 * Sends an etcd request that only the leader can serve to the leader, as an etcd member forwards proposals: etcd
 * clients may talk to any member. A forwarded request carries the header {@value #HEADER}; the receiver never
 * forwards it again (a stale leader hint cannot make requests circle), it answers "not leader" instead.
 *
 * <p>Thread-safe; channels to leaders are opened on first use and kept until {@link #close()}.
 */
public final class LeaderForwarder implements AutoCloseable {

    static final String HEADER = "raftkv-forwarded";
    private static final Metadata.Key<String> KEY = Metadata.Key.of(HEADER, Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<Boolean> FORWARDED = Context.key(HEADER);

    private final long selfId;
    private final LongFunction<String> addressOf;
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public LeaderForwarder(long selfId, LongFunction<String> addressOf) {
        this.selfId = selfId;
        this.addressOf = addressOf;
    }

    /** Marks calls that were forwarded to us (install on the etcd services). */
    public ServerInterceptor interceptor() {
        return new ServerInterceptor() {
            @Override
            public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
                                                             ServerCallHandler<Q, A> next) {
                if (headers.containsKey(KEY)) {
                    return Contexts.interceptCall(Context.current().withValue(FORWARDED, true), call, headers, next);
                }
                return next.startCall(call, headers);
            }
        };
    }

    /** True on the gRPC thread of a call that was itself forwarded (call it in the handler, not in callbacks). */
    static boolean currentCallWasForwarded() {
        return Boolean.TRUE.equals(FORWARDED.get());
    }

    boolean canForward(long leaderId) {
        return !closed && leaderId != RaftNode.NONE && leaderId != selfId && addressOf.apply(leaderId) != null;
    }

    /** Sends {@code request} to the leader's etcd service; null leader address fails the future. */
    <Q, A> CompletableFuture<A> forward(long leaderId, MethodDescriptor<Q, A> method, Q request, long timeoutMs) {
        String address = addressOf.apply(leaderId);
        if (address == null || closed) {
            return CompletableFuture.failedFuture(EtcdErrors.NOT_LEADER);
        }
        ManagedChannel channel = channels.computeIfAbsent(address,
                a -> NettyChannelBuilder.forTarget(a).usePlaintext().build());
        Metadata headers = new Metadata();
        headers.put(KEY, "1");
        CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS);
        var call = io.grpc.ClientInterceptors.intercept(channel,
                MetadataUtils.newAttachHeadersInterceptor(headers)).newCall(method, options);
        CompletableFuture<A> result = new CompletableFuture<>();
        var future = ClientCalls.futureUnaryCall(call, request);
        future.addListener(() -> {
            try {
                result.complete(future.get());
            } catch (java.util.concurrent.ExecutionException e) {
                result.completeExceptionally(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                result.completeExceptionally(e);
            }
        }, Runnable::run);
        return result;
    }

    @Override
    public void close() {
        closed = true;
        channels.values().forEach(ManagedChannel::shutdownNow);
        channels.clear();
    }
}
