package io.raftkv.kv;

import io.raftkv.raft.Entry;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.raftkv.kv.Log.b;
import static io.raftkv.kv.Log.casValue;
import static io.raftkv.kv.Log.casVersion;
import static io.raftkv.kv.Log.delete;
import static io.raftkv.kv.Log.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KvStateMachineApplyTest {

    private final KvStateMachine sm = new KvStateMachine(Duration.ofMinutes(10));
    private final Log log = new Log();
    private long seq;

    private KvResult apply(KvCommand command) {
        return sm.apply(log.command(command));
    }

    private long nextSeq() {
        return ++seq;
    }

    @Test
    void putCreatesThenUpdatesWithRevisionsAndVersions() {
        KvResult created = apply(put(1, nextSeq(), 0, "a", "1"));
        assertThat(created.code()).isEqualTo(KvResult.Code.OK);
        assertThat(created.prior()).isNull();
        // etcd's revisions: an empty store is at 1, each changing command raises it by one (a NOOP does not).
        assertThat(created.current()).isEqualTo(new KeyValue(b("a"), b("1"), 2, 2, 1));
        assertThat(created.revision()).isEqualTo(2);

        sm.apply(log.noop());
        KvResult updated = apply(put(1, nextSeq(), 0, "a", "2"));
        assertThat(updated.prior()).isEqualTo(new KeyValue(b("a"), b("1"), 2, 2, 1));
        assertThat(updated.current()).isEqualTo(new KeyValue(b("a"), b("2"), 2, 3, 2));
        assertThat(updated.revision()).isEqualTo(3);
        assertThat(sm.get(b("a"))).contains(new KeyValue(b("a"), b("2"), 2, 3, 2));
        assertThat(sm.revision()).isEqualTo(3);
        assertThat(sm.appliedIndex()).isEqualTo(3);
        assertThat(sm.keyCount()).isEqualTo(1);
    }

    @Test
    void deleteRemovesAndRecreationStartsOver() {
        apply(put(1, nextSeq(), 0, "a", "1"));
        apply(put(1, nextSeq(), 0, "a", "2"));
        KvResult deleted = apply(delete(1, nextSeq(), 0, "a"));
        assertThat(deleted.code()).isEqualTo(KvResult.Code.OK);
        assertThat(deleted.prior()).isEqualTo(new KeyValue(b("a"), b("2"), 2, 3, 2));
        assertThat(deleted.current()).isNull();
        assertThat(deleted.revision()).isEqualTo(4);
        assertThat(sm.get(b("a"))).isEmpty();
        assertThat(sm.keyCount()).isZero();

        KvResult missing = apply(delete(1, nextSeq(), 0, "a"));
        assertThat(missing.code()).isEqualTo(KvResult.Code.NOT_FOUND);
        assertThat(missing.succeeded()).isFalse();
        assertThat(missing.revision()).as("nothing changed").isEqualTo(4);
        assertThat(sm.revision()).isEqualTo(4);
        assertThat(sm.appliedIndex()).isEqualTo(4);

        KvResult recreated = apply(put(1, nextSeq(), 0, "a", "3"));
        assertThat(recreated.current()).isEqualTo(new KeyValue(b("a"), b("3"), 5, 5, 1));
    }

    @Test
    void compareAndSwapByValue() {
        KvResult absent = apply(casValue(1, nextSeq(), 0, "a", "", "x"));
        assertThat(absent.code()).as("an absent key matches no value, not even empty").isEqualTo(KvResult.Code.CONDITION_FAILED);
        assertThat(absent.prior()).isNull();
        apply(put(1, nextSeq(), 0, "a", "1"));

        KvResult mismatch = apply(casValue(1, nextSeq(), 0, "a", "0", "x"));
        assertThat(mismatch.code()).isEqualTo(KvResult.Code.CONDITION_FAILED);
        assertThat(mismatch.prior()).isEqualTo(new KeyValue(b("a"), b("1"), 2, 2, 1));
        assertThat(mismatch.current()).isEqualTo(mismatch.prior());
        assertThat(mismatch.revision()).isEqualTo(2);

        KvResult swapped = apply(casValue(1, nextSeq(), 0, "a", "1", "2"));
        assertThat(swapped.code()).isEqualTo(KvResult.Code.OK);
        assertThat(swapped.current()).isEqualTo(new KeyValue(b("a"), b("2"), 2, 3, 2));
        assertThat(sm.revision()).isEqualTo(3);
    }

    @Test
    void compareAndSwapByVersionIncludingMustNotExist() {
        assertThat(apply(casVersion(1, nextSeq(), 0, "a", 1, "x")).code()).isEqualTo(KvResult.Code.CONDITION_FAILED);
        KvResult created = apply(casVersion(1, nextSeq(), 0, "a", 0, "first"));
        assertThat(created.code()).isEqualTo(KvResult.Code.OK);
        assertThat(created.current()).isEqualTo(new KeyValue(b("a"), b("first"), 2, 2, 1));
        assertThat(apply(casVersion(1, nextSeq(), 0, "a", 0, "again")).code())
                .as("must-not-exist fails once it exists").isEqualTo(KvResult.Code.CONDITION_FAILED);
        assertThat(apply(casVersion(1, nextSeq(), 0, "a", 2, "x")).code()).isEqualTo(KvResult.Code.CONDITION_FAILED);
        KvResult swapped = apply(casVersion(1, nextSeq(), 0, "a", 1, "second"));
        assertThat(swapped.code()).isEqualTo(KvResult.Code.OK);
        assertThat(swapped.current()).isEqualTo(new KeyValue(b("a"), b("second"), 2, 3, 2));
    }

    @Test
    void noopAndMembershipAdvanceOnlyTheAppliedIndex() {
        apply(put(1, nextSeq(), 0, "a", "1"));
        KvResult noop = sm.apply(log.noop());
        KvResult membership = sm.apply(log.membership());
        assertThat(noop.code()).isEqualTo(KvResult.Code.NO_COMMAND);
        assertThat(membership.code()).isEqualTo(KvResult.Code.NO_COMMAND);
        assertThat(sm.appliedIndex()).isEqualTo(3);
        assertThat(sm.revision()).isEqualTo(2);
    }

    @Test
    void malformedEntryIsAnErrorResultAndStillAdvancesTheIndex() {
        KvResult result = sm.apply(log.raw(new byte[]{1, 99}));
        assertThat(result.code()).isEqualTo(KvResult.Code.MALFORMED);
        assertThat(result.detail()).contains("entry 1").contains("op");
        assertThat(sm.apply(log.raw(new byte[0])).code()).isEqualTo(KvResult.Code.MALFORMED);
        assertThat(sm.appliedIndex()).isEqualTo(2);
        assertThat(sm.revision()).isEqualTo(1);
        assertThat(apply(put(1, nextSeq(), 0, "a", "1")).succeeded()).isTrue();
    }

    @Test
    void oversizeAndEmptyKeysAreRejectedWithoutChangingTheStore() {
        Bytes bigKey = Bytes.copyOf(new byte[KvLimits.MAX_KEY_BYTES + 1]);
        Bytes bigValue = Bytes.copyOf(new byte[KvLimits.MAX_VALUE_BYTES + 1]);
        KvResult key = apply(new KvCommand.Put(1, nextSeq(), 0, bigKey, b("v")));
        assertThat(key.code()).isEqualTo(KvResult.Code.INVALID);
        assertThat(key.detail()).contains("key is 4097 bytes");
        KvResult value = apply(new KvCommand.Put(1, nextSeq(), 0, b("k"), bigValue));
        assertThat(value.code()).isEqualTo(KvResult.Code.INVALID);
        assertThat(value.detail()).contains("value is 1048577 bytes");
        KvResult empty = apply(new KvCommand.Delete(1, nextSeq(), 0, Bytes.EMPTY));
        assertThat(empty.detail()).contains("must not be empty");
        KvResult expected = apply(new KvCommand.CompareAndSwap(1, nextSeq(), 0, b("k"),
                new KvCommand.ValueEquals(bigValue), b("v")));
        assertThat(expected.detail()).contains("expected value is");
        assertThat(sm.keyCount()).isZero();
        assertThat(sm.revision()).as("an empty store").isEqualTo(1);

        Bytes maxKey = Bytes.copyOf(new byte[KvLimits.MAX_KEY_BYTES]);
        Bytes maxValue = Bytes.copyOf(new byte[KvLimits.MAX_VALUE_BYTES]);
        assertThat(apply(new KvCommand.Put(1, nextSeq(), 0, maxKey, maxValue)).succeeded()).isTrue();
    }

    @Test
    void limitsCheckIsTheSameForApiLayers() {
        assertThat(KvLimits.check(put(1, 1, 0, "k", "v"))).isEmpty();
        assertThat(KvLimits.check(new KvCommand.Put(1, 1, 0, Bytes.EMPTY, b("v")))).isPresent();
        assertThat(KvLimits.checkKey(Bytes.copyOf(new byte[KvLimits.MAX_KEY_BYTES + 1]))).isPresent();
    }

    @Test
    void entriesMustComeInOrder() {
        Entry first = log.command(put(1, 1, 0, "a", "1"));
        Entry second = log.command(put(1, 2, 0, "a", "2"));
        assertThatThrownBy(() -> sm.apply(second)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("entry 2 applied out of order: applied index is 0");
        sm.apply(first);
        assertThatThrownBy(() -> sm.apply(first)).isInstanceOf(IllegalStateException.class);
        assertThat(sm.apply(second).succeeded()).isTrue();
    }

    @Test
    void readersCannotChangeStoredBytes() {
        apply(put(1, nextSeq(), 0, "a", "value"));
        byte[] copy = sm.get(b("a")).orElseThrow().value().toByteArray();
        copy[0] = 'X';
        assertThat(sm.get(b("a")).orElseThrow().value()).isEqualTo(b("value"));
    }
}
