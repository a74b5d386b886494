package io.raftkv.kv;

import io.raftkv.raft.Entry;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.raftkv.kv.Log.b;
import static io.raftkv.kv.Log.casVersion;
import static io.raftkv.kv.Log.put;
import static org.assertj.core.api.Assertions.assertThat;

class ExactlyOnceTest {

    private static final Duration TTL = Duration.ofSeconds(60);
    private static final long T0 = 1_700_000_000_000L;

    private final KvStateMachine sm = new KvStateMachine(TTL);
    private final Log log = new Log();

    private KvResult apply(KvCommand command) {
        return sm.apply(log.command(command));
    }

    @Test
    void retryReturnsTheOriginalResultWithoutApplyingAgain() {
        KvResult first = apply(put(7, 1, T0, "a", "1"));
        apply(put(8, 1, T0, "a", "other"));
        KvResult retry = apply(put(7, 1, T0 + 5, "a", "1"));
        assertThat(retry).isEqualTo(first);
        assertThat(retry.revision()).isEqualTo(2);
        assertThat(sm.get(b("a")).orElseThrow().value()).as("the retry did not overwrite").isEqualTo(b("other"));
        assertThat(sm.get(b("a")).orElseThrow().version()).isEqualTo(2);
        assertThat(sm.revision()).isEqualTo(3);
        assertThat(sm.appliedIndex()).isEqualTo(3);
    }

    @Test
    void retryOfAFailedConditionReturnsTheSameFailure() {
        apply(put(1, 1, T0, "a", "1"));
        KvResult failed = apply(casVersion(2, 1, T0, "a", 0, "x"));
        assertThat(failed.code()).isEqualTo(KvResult.Code.CONDITION_FAILED);
        apply(new KvCommand.Delete(1, 2, T0, b("a")));
        assertThat(apply(casVersion(2, 1, T0, "a", 0, "x"))).as("not re-evaluated").isEqualTo(failed);
        assertThat(sm.get(b("a"))).isEmpty();
    }

    @Test
    void olderSequenceIsStale() {
        apply(put(7, 1, T0, "a", "1"));
        apply(put(7, 2, T0, "a", "2"));
        KvResult stale = apply(put(7, 1, T0, "a", "1"));
        assertThat(stale.code()).isEqualTo(KvResult.Code.STALE_SEQUENCE);
        assertThat(stale.detail()).contains("sequence 1 of client 7 is older than its last applied sequence 2");
        assertThat(sm.get(b("a")).orElseThrow().value()).isEqualTo(b("2"));
    }

    @Test
    void sequenceGapsAreAllowed() {
        apply(put(7, 1, T0, "a", "1"));
        assertThat(apply(put(7, 5, T0, "a", "5")).succeeded()).isTrue();
        assertThat(apply(put(7, 4, T0, "a", "4")).code()).isEqualTo(KvResult.Code.STALE_SEQUENCE);
    }

    @Test
    void unknownClientMustStartAtSequenceOne() {
        KvResult result = apply(put(7, 2, T0, "a", "1"));
        assertThat(result.code()).isEqualTo(KvResult.Code.SESSION_EXPIRED);
        assertThat(sm.get(b("a"))).isEmpty();
    }

    @Test
    void idleSessionsExpireOnTheLogClock() {
        apply(put(1, 1, T0, "a", "1"));
        apply(put(2, 1, T0 + 30_000, "b", "1"));
        // Exactly one TTL after client 1's last command: still alive (idle means strictly longer than the TTL).
        apply(put(3, 1, T0 + 60_000, "c", "1"));
        assertThat(sm.sessionCount()).isEqualTo(3);
        apply(put(3, 2, T0 + 60_001, "c", "2"));
        assertThat(sm.sessionCount()).isEqualTo(2);
        KvResult late = apply(put(1, 2, T0 + 60_002, "a", "2"));
        assertThat(late.code()).isEqualTo(KvResult.Code.SESSION_EXPIRED);
        assertThat(late.detail()).contains("client 1 has no session");
        assertThat(sm.get(b("a")).orElseThrow().value()).isEqualTo(b("1"));
    }

    @Test
    void activityKeepsASessionAliveIncludingRetries() {
        apply(put(1, 1, T0, "a", "1"));
        apply(put(1, 1, T0 + 50_000, "a", "1")); // retry: refreshes the session
        apply(put(2, 1, T0 + 100_000, "b", "1"));
        assertThat(apply(put(1, 2, T0 + 100_000, "a", "2")).succeeded()).isTrue();
    }

    @Test
    void aLeaderWithAClockBehindDoesNotTurnTimeBack() {
        apply(put(1, 1, T0, "a", "1"));
        apply(put(2, 1, T0 + 120_000, "b", "1")); // expires client 1
        // A new leader whose clock is two minutes behind: client 1 stays expired.
        KvResult result = apply(put(1, 2, T0 + 1, "a", "2"));
        assertThat(result.code()).isEqualTo(KvResult.Code.SESSION_EXPIRED);
    }

    @Test
    void expiryIsTheSameOnEveryReplicaWhateverTheirLocalClocks() throws IOException {
        List<Entry> entries = new ArrayList<>();
        Log shared = new Log();
        for (int i = 0; i < 200; i++) {
            long client = i % 7;
            entries.add(shared.command(put(client, i / 7 + 1, T0 + i * 10_000L, "k" + (i % 5), "v" + i)));
        }
        KvStateMachine replicaA = new KvStateMachine(TTL);
        KvStateMachine replicaB = new KvStateMachine(TTL);
        List<KvResult> resultsA = new ArrayList<>();
        List<KvResult> resultsB = new ArrayList<>();
        for (Entry entry : entries) {
            resultsA.add(replicaA.apply(entry));
        }
        for (Entry entry : entries) {
            resultsB.add(replicaB.apply(entry));
        }
        assertThat(resultsB).isEqualTo(resultsA);
        assertThat(snapshotBytes(replicaB)).isEqualTo(snapshotBytes(replicaA));
    }

    private static byte[] snapshotBytes(KvStateMachine sm) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        sm.writeSnapshot(out);
        return out.toByteArray();
    }
}
