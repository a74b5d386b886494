package io.raftkv.transport;

import io.grpc.ConnectivityState;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.raftkv.grpc.proto.InstallSnapshotChunk;
import io.raftkv.grpc.proto.PeerAck;
import io.raftkv.grpc.proto.PeerGrpc;
import io.raftkv.grpc.proto.PeerMessage;
import io.raftkv.raft.message.InstallSnapshot;
import io.raftkv.raft.message.Message;
import io.raftkv.raft.message.TimeoutNow;
import io.raftkv.raft.message.VoteRequest;
import io.raftkv.runtime.MessageSender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Sends Raft messages to peers over gRPC (the Peer service). Per peer: one channel, one pipelined Replicate
 * stream for the steady flow (entries, heartbeats, answers), one InstallSnapshot stream for snapshot chunks
 * (so a large snapshot never delays heartbeats), and unary calls for votes and TimeoutNow (never stuck behind
 * entries). {@link #send} never blocks the consensus thread and drops what it cannot send.
 */
public final class PeerTransport implements MessageSender, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PeerTransport.class);
    private static final long MAX_QUEUED_BYTES = 64L << 20;
    private static final int MAX_MESSAGE_BYTES = 64 << 20;
    private static final StreamObserver<PeerAck> IGNORE = new StreamObserver<>() {
        @Override
        public void onNext(PeerAck value) {
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onCompleted() {
        }
    };

    private final long selfId;
    private final String selfAddress;
    private final String cluster;
    private final PeerDirectory directory;
    private final FaultInjector faults;
    private final Map<Long, PeerClient> peers = new ConcurrentHashMap<>();
    private final Counter sent;
    private final Counter dropped;
    private volatile boolean closed;

    public PeerTransport(long selfId, String selfAddress, String cluster, PeerDirectory directory,
                         FaultInjector faults, MeterRegistry registry) {
        this.selfId = selfId;
        this.selfAddress = selfAddress;
        this.cluster = cluster;
        this.directory = directory;
        this.faults = faults;
        this.sent = registry.counter("raftkv_peer_messages_sent");
        this.dropped = registry.counter("raftkv_peer_messages_dropped");
    }

    @Override
    public void send(List<Message> messages) {
        for (Message m : messages) {
            PeerClient c = closed || !faults.allows(m.from(), m.to()) ? null : client(m.to());
            if (c != null && c.send(m)) {
                sent.increment();
                if (log.isTraceEnabled()) {
                    log.trace("sent {}", m);
                }
            } else {
                dropped.increment();
                if (log.isTraceEnabled()) {
                    log.trace("dropped {}", m);
                }
            }
        }
    }

    private PeerClient client(long id) {
        String address = directory.address(id);
        if (address == null) {
            return null;
        }
        PeerClient c = peers.get(id);
        if (c != null && c.address.equals(address)) {
            return c;
        }
        PeerClient fresh = new PeerClient(id, address);
        PeerClient old = peers.put(id, fresh);
        if (old != null) {
            log.info("peer {} moved from {} to {}", id, old.address, address);
            old.close();
        }
        return fresh;
    }

    /**
     * True if peer {@code id}'s channel is connected now. An idle channel is asked to connect, so a caller
     * that polls learns soon after the peer starts listening.
     */
    public boolean connected(long id) {
        PeerClient c = closed ? null : client(id);
        return c != null && c.channel.getState(true) == ConnectivityState.READY;
    }

    /**
     * A call from peer {@code id} arrived, so it is up: if our streams or channel to it wait out a reconnect
     * backoff (it was down, e.g. restarting), reconnect now rather than up to a backoff later. A restarted follower thus
     * hears its leader as soon as it first speaks, not only after the leader's backoff ends.
     */
    public void heardFrom(long id) {
        PeerClient c = peers.get(id);
        if (c != null) {
            c.replication.retryNow();
            c.snapshots.retryNow();
            c.wakeChannel();
        }
    }

    /** Bytes waiting to be sent to each peer (for status pages and tests). */
    public Map<Long, Long> queuedBytes() {
        Map<Long, Long> out = new ConcurrentHashMap<>();
        peers.forEach((id, c) -> out.put(id, c.replication.queuedBytes() + c.snapshots.queuedBytes()));
        return out;
    }

    @Override
    public void close() {
        closed = true;
        peers.values().forEach(PeerClient::close);
        peers.clear();
    }

    private final class PeerClient {
        final long id;
        final String address;
        final ManagedChannel channel;
        final PeerGrpc.PeerStub stub;
        final OutboundStream<PeerMessage> replication;
        final OutboundStream<InstallSnapshotChunk> snapshots;

        PeerClient(long id, String address) {
            this.id = id;
            this.address = address;
            this.channel = Grpc.newChannelBuilder(address, InsecureChannelCredentials.create())
                    .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                    .keepAliveTime(10, TimeUnit.SECONDS)
                    .keepAliveTimeout(5, TimeUnit.SECONDS)
                    .build();
            this.stub = PeerGrpc.newStub(channel).withInterceptors(
                    MetadataUtils.newAttachHeadersInterceptor(PeerMetadata.of(cluster, selfId, selfAddress)));
            this.replication = new OutboundStream<>(stub::replicate, MAX_QUEUED_BYTES, this::wakeChannel);
            this.snapshots = new OutboundStream<>(stub::installSnapshot, MAX_QUEUED_BYTES, this::wakeChannel);
        }

        boolean send(Message m) {
            if (m instanceof VoteRequest v) {
                wakeChannel();
                stub.withDeadlineAfter(2, TimeUnit.SECONDS).requestVote(MessageCodec.encodeVote(v), IGNORE);
                return true;
            }
            if (m instanceof TimeoutNow t) {
                wakeChannel();
                stub.withDeadlineAfter(2, TimeUnit.SECONDS).timeoutNow(MessageCodec.encodeTimeoutNow(t), IGNORE);
                return true;
            }
            if (m instanceof InstallSnapshot s) {
                return snapshots.offer(MessageCodec.encodeChunk(s), m.sizeBytes());
            }
            return replication.offer(MessageCodec.encode(m), m.sizeBytes());
        }

        /** A channel in TRANSIENT_FAILURE waits out an exponential backoff (up to minutes); a peer back from a
         * restart must be reached within an election timeout, so retry the connection now. */
        void wakeChannel() {
            if (channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
                channel.resetConnectBackoff();
            }
        }

        void close() {
            replication.close();
            snapshots.close();
            channel.shutdownNow();
        }
    }
}
