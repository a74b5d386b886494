package io.raftkv.transport;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.raftkv.grpc.proto.PeerAck;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The reopen backoff of a peer stream, on a clock the test moves: refused while waiting, ended by retryNow. */
class OutboundStreamTest {
    private static final long MS = 1_000_000L;

    private final AtomicLong now = new AtomicLong(1_000 * MS);
    private final AtomicInteger opened = new AtomicInteger();
    private final AtomicInteger backoffResets = new AtomicInteger();

    /** Every call fails at once, as a call to a peer that is down does. */
    private final OutboundStream<String> stream = new OutboundStream<>(responses -> {
        opened.incrementAndGet();
        responses.onError(Status.UNAVAILABLE.asRuntimeException());
        return new StreamObserver<>() {
            @Override
            public void onNext(String value) {
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        };
    }, 1 << 20, backoffResets::incrementAndGet, now::get);

    @Test
    void failedStreamsBackOffLongerEachTimeUpToAStep() {
        assertThat(stream.offer("a", 1)).isTrue();
        assertThat(opened).hasValue(1);
        assertThat(stream.offer("b", 1)).as("50 ms after the first failure").isFalse();
        now.addAndGet(50 * MS);
        assertThat(stream.offer("c", 1)).isTrue();
        assertThat(opened).hasValue(2);
        assertThat(backoffResets).as("the channel's own backoff is reset before a reopen").hasValue(1);
        now.addAndGet(99 * MS);
        assertThat(stream.offer("d", 1)).as("the second wait is 100 ms").isFalse();
        for (int i = 0; i < 6; i++) {
            now.addAndGet(1_000 * MS);
            stream.offer("x", 1);
        }
        now.addAndGet(799 * MS);
        assertThat(stream.offer("e", 1)).as("the wait stops growing at 800 ms").isFalse();
        now.addAndGet(1 * MS);
        assertThat(stream.offer("f", 1)).isTrue();
    }

    @Test
    void hearingFromThePeerEndsTheWaitAndRestartsTheBackoff() {
        for (int i = 0; i < 6; i++) {
            stream.offer("x", 1);
            now.addAndGet(1_000 * MS);
        }
        int before = opened.get();
        stream.offer("x", 1); // fails again: now waiting 800 ms
        assertThat(stream.offer("y", 1)).isFalse();

        stream.retryNow();

        assertThat(stream.offer("z", 1)).as("reopened at once").isTrue();
        assertThat(opened.get()).isEqualTo(before + 2);
        now.addAndGet(50 * MS);
        assertThat(stream.offer("w", 1)).as("the next failure waits the shortest step again").isTrue();
    }
}
