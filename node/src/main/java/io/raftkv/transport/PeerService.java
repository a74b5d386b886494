package io.raftkv.transport;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.raftkv.grpc.proto.InstallSnapshotChunk;
import io.raftkv.grpc.proto.PeerAck;
import io.raftkv.grpc.proto.PeerGrpc;
import io.raftkv.grpc.proto.PeerMessage;
import io.raftkv.grpc.proto.TimeoutNowRequest;
import io.raftkv.grpc.proto.VoteRequest;
import io.raftkv.raft.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * The receiving side of the peer transport: decodes Raft messages and hands them to the node. Calls from
 * another cluster (by name) are refused; the sender's address is remembered so a new member can answer.
 */
public final class PeerService extends PeerGrpc.PeerImplBase {

    private static final Logger log = LoggerFactory.getLogger(PeerService.class);
    private static final PeerAck ACK = PeerAck.getDefaultInstance();

    private final long selfId;
    private final Consumer<Message> inbound;
    private final FaultInjector faults;

    public PeerService(long selfId, Consumer<Message> inbound, FaultInjector faults) {
        this.selfId = selfId;
        this.inbound = inbound;
        this.faults = faults;
    }

    /**
     * Checks the cluster name, records the caller's address and tells {@code heardFrom} who called; install on
     * the Peer service only.
     */
    public static ServerInterceptor interceptor(String cluster, PeerDirectory directory, LongConsumer heardFrom) {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                               ServerCallHandler<Q, R> next) {
                String theirs = headers.get(PeerMetadata.CLUSTER);
                if (!cluster.equals(theirs)) {
                    call.close(Status.FAILED_PRECONDITION.withDescription("this node belongs to cluster '" + cluster
                            + "', the caller to '" + theirs + "'"), new Metadata());
                    return new ServerCall.Listener<>() { };
                }
                try {
                    String id = headers.get(PeerMetadata.FROM_ID);
                    if (id != null) {
                        long from = Long.parseLong(id);
                        directory.hint(from, headers.get(PeerMetadata.FROM_ADDRESS));
                        heardFrom.accept(from);
                    }
                } catch (NumberFormatException e) {
                    call.close(Status.INVALID_ARGUMENT.withDescription("bad raftkv-from-id header"), new Metadata());
                    return new ServerCall.Listener<>() { };
                }
                return Contexts.interceptCall(Context.current(), call, headers, next);
            }
        };
    }

    @Override
    public StreamObserver<PeerMessage> replicate(StreamObserver<PeerAck> responseObserver) {
        return new Receiver<>(responseObserver, MessageCodec::decode);
    }

    @Override
    public StreamObserver<InstallSnapshotChunk> installSnapshot(StreamObserver<PeerAck> responseObserver) {
        return new Receiver<>(responseObserver, MessageCodec::decode);
    }

    @Override
    public void requestVote(VoteRequest request, StreamObserver<PeerAck> responseObserver) {
        deliver(() -> MessageCodec.decode(request));
        responseObserver.onNext(ACK);
        responseObserver.onCompleted();
    }

    @Override
    public void timeoutNow(TimeoutNowRequest request, StreamObserver<PeerAck> responseObserver) {
        deliver(() -> MessageCodec.decode(request));
        responseObserver.onNext(ACK);
        responseObserver.onCompleted();
    }

    private void deliver(java.util.function.Supplier<Message> decode) {
        Message m;
        try {
            m = decode.get();
        } catch (RuntimeException e) {
            log.warn("dropping a malformed peer message: {}", e.getMessage());
            return;
        }
        if (m.to() != selfId) {
            log.debug("dropping a message for node {} (this is node {})", m.to(), selfId);
            return;
        }
        if (faults.allows(m.from(), m.to())) {
            if (log.isTraceEnabled()) {
                log.trace("received {}", m);
            }
            inbound.accept(m);
        }
    }

    private final class Receiver<T> implements StreamObserver<T> {
        private final StreamObserver<PeerAck> responses;
        private final java.util.function.Function<T, Message> decoder;

        Receiver(StreamObserver<PeerAck> responses, java.util.function.Function<T, Message> decoder) {
            this.responses = responses;
            this.decoder = decoder;
        }

        @Override
        public void onNext(T value) {
            deliver(() -> decoder.apply(value));
        }

        @Override
        public void onError(Throwable t) {
            // The sender went away; it reopens the stream when it has something to send.
        }

        @Override
        public void onCompleted() {
            responses.onNext(ACK);
            responses.onCompleted();
        }
    }
}
