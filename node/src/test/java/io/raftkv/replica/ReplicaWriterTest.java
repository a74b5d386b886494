package io.raftkv.replica;

import io.raftkv.kv.Bytes;
import io.raftkv.kv.KvCommand;
import io.raftkv.kv.KvCommandCodec;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReplicaWriterTest {

    @Test
    void putsBecomeTheStoresCommandsWithRisingSequencesInOneSession() throws Exception {
        ReplicaWriter writer = new ReplicaWriter(42);
        KvCommand first = KvCommandCodec.decode(writer.put("k", "v1", 5_000_000L).bytes());
        KvCommand second = KvCommandCodec.decode(writer.put("k", "v2", 9_000_000L).bytes());
        assertThat(first).isInstanceOf(KvCommand.Put.class);
        KvCommand.Put put = (KvCommand.Put) first;
        assertThat(put.key()).isEqualTo(Bytes.utf8("k"));
        assertThat(put.value()).isEqualTo(Bytes.utf8("v1"));
        assertThat(put.timestampMillis()).isEqualTo(5);
        assertThat(second.clientId()).isEqualTo(first.clientId()).isNotZero();
        assertThat(second.sequence()).isEqualTo(first.sequence() + 1);
    }

    @Test
    void aRefusedPutSaysWhyAndUsesNoSequenceNumber() throws Exception {
        ReplicaWriter writer = new ReplicaWriter(1);
        ReplicaWriter.Command refused = writer.put("", "v", 0);
        assertThat(refused.bytes()).isNull();
        assertThat(refused.refusal()).contains("key must not be empty");
        assertThat(KvCommandCodec.decode(writer.put("k", "v", 0).bytes()).sequence()).isEqualTo(1);
    }

    @Test
    void aClockBeforeZeroStampsZero() throws Exception {
        assertThat(KvCommandCodec.decode(new ReplicaWriter(3).put("k", "v", -7_000_000L).bytes()).timestampMillis())
                .isZero();
    }

    @Test
    void replicasWithDifferentSeedsHaveDifferentSessions() throws Exception {
        long a = KvCommandCodec.decode(new ReplicaWriter(1).put("k", "v", 0).bytes()).clientId();
        long b = KvCommandCodec.decode(new ReplicaWriter(2).put("k", "v", 0).bytes()).clientId();
        assertThat(a).isNotEqualTo(b);
    }
}
