package io.raftkv.replica;

import io.raftkv.raft.message.AppendEntries;
import io.raftkv.raft.message.AppendResponse;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PeerOutboxTest {
    private static final long MS = 1_000_000;
    private final ReplicaSettings settings = ReplicaSettings.defaults();
    private final PeerOutbox outbox = new PeerOutbox(settings, List.of(2L, 3L, 4L, 5L), 2);
    private final List<Object> sent = new ArrayList<>();
    private long now = 10_000 * MS;

    @Test
    void binomialTailMatchesHandComputedValues() {
        assertThat(PeerOutbox.atLeast(2, 2, 0.5)).isCloseTo(0.25, within(1e-12));
        assertThat(PeerOutbox.atLeast(2, 3, 0.7225)).isCloseTo(3 * 0.7225 * 0.7225 * 0.2775 + Math.pow(0.7225, 3),
                within(1e-12));
        assertThat(PeerOutbox.atLeast(0, 4, 0.3)).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void aLosslessNetworkNeedsNoSpareCopies() {
        for (int i = 0; i < 50; i++) {
            roundTrip(2, i, true);
        }
        assertThat(outbox.roundTripSuccess()).isEqualTo(1.0);
        assertThat(outbox.spareFanout(2)).isZero();
    }

    @Test
    void lossAddsSpareCopiesUpToEveryFollowerAndRecedesWhenItStops() {
        int index = 0;
        for (int i = 0; i < 200; i++) {
            roundTrip(2 + i % 4, index++, i % 4 != 0); // a quarter of round trips fail: one spare
        }
        assertThat(outbox.spareFanout(2)).isEqualTo(1);
        for (int i = 0; i < 200; i++) {
            roundTrip(2 + i % 4, index++, i % 2 == 0); // half fail: every follower, and no more
        }
        assertThat(outbox.spareFanout(2)).isEqualTo(2);
        for (int i = 0; i < 100; i++) {
            roundTrip(2 + i % 4, index++, true);
        }
        assertThat(outbox.spareFanout(2)).isZero();
    }

    @Test
    void aLostCopyOfCommittedEntriesWaitsUntilTheFollowerFallsSilentThenGoesAnyway() {
        long peer = 3;
        outbox.heard(new AppendResponse(peer, 1, 1, true, 9, 0, 0, 0), now, Long.MIN_VALUE);
        long heardAt = now;
        AppendEntries a = new AppendEntries(1, peer, 1, 9, 1,
                List.of(io.raftkv.raft.Entry.normal(10, 1, new byte[] {1})), 9, 0);
        outbox.offer(a, false, now, sent::add);
        sent.clear();
        now += settings.retransmitNanos() + MS;
        outbox.tick(now, 10, m -> true, sent::add);
        assertThat(sent).as("entry 10 is committed: no copy while the follower was heard from lately").isEmpty();
        assertThat(outbox.nextDeadline(10)).isEqualTo(heardAt + settings.heartbeatNanos() / 2);
        now = heardAt + settings.heartbeatNanos() / 2;
        outbox.tick(now, 10, m -> true, sent::add);
        assertThat(sent).as("silent for half a heartbeat: its election timer runs, so the copy goes").containsExactly(a);
    }

    @Test
    void aLostCopyOfUncommittedEntriesIsRetransmittedAtTheTimeout() {
        long peer = 4;
        outbox.heard(new AppendResponse(peer, 1, 1, true, 9, 0, 0, 0), now, Long.MIN_VALUE);
        AppendEntries a = new AppendEntries(1, peer, 1, 9, 1,
                List.of(io.raftkv.raft.Entry.normal(10, 1, new byte[] {1})), 9, 0);
        outbox.offer(a, false, now, sent::add);
        sent.clear();
        now += settings.retransmitNanos();
        outbox.tick(now, 9, m -> true, sent::add);
        assertThat(sent).containsExactly(a);
    }

    @Test
    void aPeerThatIgnoredEveryCopyOfAVoteRequestGetsTheNextOneOnceUntilItIsHeardFrom() {
        long peer = 5;
        io.raftkv.raft.message.VoteRequest first = new io.raftkv.raft.message.VoteRequest(1, peer, 2, 0, 0, true, false);
        outbox.offer(first, true, now, sent::add);
        for (int i = 0; i < 100; i++) {
            now += settings.retransmitNanos() << 7;
            outbox.tick(now, 0, m -> true, sent::add);
        }
        assertThat(sent).hasSize(1 + settings.retransmitLimit());
        sent.clear();
        io.raftkv.raft.message.VoteRequest second = new io.raftkv.raft.message.VoteRequest(1, peer, 3, 0, 0, true, false);
        outbox.offer(second, true, now, sent::add);
        now += settings.retransmitNanos() << 7;
        outbox.tick(now, 0, m -> true, sent::add);
        assertThat(sent).as("sent once, not repeated").containsExactly(second);
        outbox.heard(new io.raftkv.raft.message.VoteResponse(peer, 1, 3, true, false), now, Long.MIN_VALUE);
        sent.clear();
        io.raftkv.raft.message.VoteRequest third = new io.raftkv.raft.message.VoteRequest(1, peer, 4, 0, 0, true, false);
        outbox.offer(third, true, now, sent::add);
        now += settings.retransmitNanos() << 1;
        outbox.tick(now, 0, m -> true, sent::add);
        assertThat(sent).as("heard from again: repeated again").containsExactly(third, third);
    }

    @Test
    void aLateAnswerToTheFirstCopyIsNoLossButAnAnswerOnlyToARetransmissionIs() {
        long peer = 2;
        for (int i = 0; i < 40; i++) {
            outbox.heard(new AppendResponse(peer, 1, 1, true, i, 0, 0, 0), now, Long.MIN_VALUE);
            AppendEntries a = new AppendEntries(1, peer, 1, i, 1, List.of(), i, 0);
            long firstCopy = now;
            outbox.offer(a, false, now, sent::add);
            now += settings.retransmitNanos() + MS;
            outbox.tick(now, 0, m -> true, sent::add); // a retransmission goes out
            now += MS;
            // Even rounds: the answer echoes the first copy's stamp (it was only slow); odd: the retransmission's.
            long echo = i % 2 == 0 ? firstCopy : now - MS;
            outbox.heard(new AppendResponse(peer, 1, 1, true, i, 0, 0, 0), now, echo);
            now += MS;
        }
        assertThat(outbox.roundTripSuccess()).as("half the first copies were lost").isBetween(0.35, 0.65);
    }

    /** One AppendEntries to {@code peer}, answered before its timeout or left to time out. */
    private void roundTrip(long peer, int index, boolean answered) {
        outbox.heard(new AppendResponse(peer, 1, 1, true, index, 0, 0, 0), now, Long.MIN_VALUE);
        AppendEntries a = new AppendEntries(1, peer, 1, index, 1, List.of(), index, 0);
        outbox.offer(a, false, now, sent::add);
        if (answered) {
            now += MS / 2;
            outbox.heard(new AppendResponse(peer, 1, 1, true, index, 0, 0, 0), now, Long.MIN_VALUE);
        } else {
            now += settings.retransmitNanos() + MS;
            outbox.tick(now, 0, m -> false, sent::add);
        }
        now += MS;
    }
}
