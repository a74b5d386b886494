package io.raftkv.transport;

import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import io.raftkv.grpc.proto.PeerAck;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * One client stream to a peer with a bounded send queue. {@link #offer} never blocks: it queues, or refuses
 * (the caller drops the message) while the queue is full or the stream is failing; Raft retransmits what
 * matters. Messages leave only as fast as gRPC flow control allows ({@code isReady}), so a slow peer cannot
 * make this node buffer without bound. A broken stream is reopened after a short, growing pause.
 */
final class OutboundStream<T> {

    private record Item<T>(T message, int size) {
    }

    private final Function<StreamObserver<PeerAck>, StreamObserver<T>> opener;
    private final long maxQueuedBytes;
    private final Runnable beforeReopen;
    private final LongSupplier nanoClock;
    private final ConcurrentLinkedQueue<Item<T>> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicInteger wip = new AtomicInteger();
    private volatile ClientCallStreamObserver<T> stream;
    private volatile boolean broken;
    private volatile boolean closed;
    private volatile long retryAtNanos;
    private volatile int failures;

    /**
     * @param opener       starts the call (e.g. {@code stub::replicate})
     * @param beforeReopen run before a stream is reopened after a failure (resets the channel's backoff)
     */
    OutboundStream(Function<StreamObserver<PeerAck>, StreamObserver<T>> opener, long maxQueuedBytes,
                   Runnable beforeReopen) {
        this(opener, maxQueuedBytes, beforeReopen, System::nanoTime);
    }

    /** @param nanoClock the time source of the reopen backoff (tests pass their own) */
    OutboundStream(Function<StreamObserver<PeerAck>, StreamObserver<T>> opener, long maxQueuedBytes,
                   Runnable beforeReopen, LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.opener = opener;
        this.maxQueuedBytes = maxQueuedBytes;
        this.beforeReopen = beforeReopen;
    }

    /** Queues a message; false if it was refused and must be considered lost. */
    boolean offer(T message, int size) {
        if (closed || (stream == null && nanoClock.getAsLong() < retryAtNanos)
                || queuedBytes.get() + size > maxQueuedBytes) {
            return false;
        }
        queue.add(new Item<>(message, size));
        queuedBytes.addAndGet(size);
        drain();
        return true;
    }

    /**
     * The peer was just heard from, so it is up: end the wait before the next reopen and restart the backoff
     * from its shortest step (the channel may still fail the first call while it reconnects).
     */
    void retryNow() {
        failures = 0;
        retryAtNanos = 0;
    }

    long queuedBytes() {
        return queuedBytes.get();
    }

    /** The classic work-in-progress loop: one thread drains at a time, and no wake-up is lost. */
    private void drain() {
        if (wip.getAndIncrement() != 0) {
            return;
        }
        do {
            if (broken) {
                broken = false;
                dropQueued();
            }
            ClientCallStreamObserver<T> s = stream;
            if (s == null && !queue.isEmpty() && !closed && nanoClock.getAsLong() >= retryAtNanos) {
                s = open();
            }
            while (s != null && s.isReady()) {
                Item<T> item = queue.poll();
                if (item == null) {
                    break;
                }
                queuedBytes.addAndGet(-item.size);
                s.onNext(item.message);
            }
        } while (wip.decrementAndGet() != 0);
    }

    private ClientCallStreamObserver<T> open() {
        if (failures > 0) {
            beforeReopen.run();
        }
        ClientResponseObserver<T, PeerAck> responses = new ClientResponseObserver<>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<T> requestStream) {
                stream = requestStream;
                requestStream.setOnReadyHandler(() -> {
                    if (stream == requestStream) {
                        failures = 0;
                        drain();
                    }
                });
            }

            @Override
            public void onNext(PeerAck value) {
            }

            @Override
            public void onError(Throwable t) {
                failed(this);
            }

            @Override
            public void onCompleted() {
                failed(this);
            }
        };
        opener.apply(responses);
        return stream;
    }

    private void failed(Object observer) {
        stream = null;
        failures = Math.min(failures + 1, 5);
        // 50 ms, 100 ms, ... up to 800 ms: fast enough to rejoin within an election timeout.
        retryAtNanos = nanoClock.getAsLong() + (25_000_000L << failures);
        broken = true;
        drain();
    }

    private void dropQueued() {
        Item<T> item;
        while ((item = queue.poll()) != null) {
            queuedBytes.addAndGet(-item.size);
        }
    }

    void close() {
        closed = true;
        ClientCallStreamObserver<T> s = stream;
        stream = null;
        if (s != null) {
            try {
                s.onCompleted();
            } catch (RuntimeException ignored) {
                // already cancelled
            }
        }
        dropQueued();
    }
}
