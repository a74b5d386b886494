package io.raftkv.kv;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static io.raftkv.kv.Log.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

class KvCommandCodecTest {

    private static final List<KvCommand> SAMPLES = List.of(
            new KvCommand.Put(1, 1, 0, b("k"), Bytes.EMPTY),
            new KvCommand.Put(-1L, Long.MAX_VALUE, Long.MAX_VALUE, b("key"), Bytes.copyOf(new byte[300])),
            new KvCommand.Delete(42, 7, 1_700_000_000_000L, Bytes.copyOf(new byte[]{0, (byte) 0xff})),
            new KvCommand.CompareAndSwap(3, 2, 5, b("a"), new KvCommand.ValueEquals(b("old")), b("new")),
            new KvCommand.CompareAndSwap(3, 3, 5, b("a"), new KvCommand.ValueEquals(Bytes.EMPTY), b("new")),
            new KvCommand.CompareAndSwap(3, 4, 5, b("a"), KvCommand.VersionEquals.MUST_NOT_EXIST, b("v")),
            new KvCommand.CompareAndSwap(3, 5, 5, b("a"), new KvCommand.VersionEquals(Long.MAX_VALUE), Bytes.EMPTY));

    @Test
    void roundTripsEveryKindOfCommand() throws Exception {
        for (KvCommand command : SAMPLES) {
            assertThat(KvCommandCodec.decode(KvCommandCodec.encode(command))).isEqualTo(command);
        }
    }

    @Test
    void isCompact() {
        byte[] encoded = KvCommandCodec.encode(new KvCommand.Put(1, 1, 1_700_000_000_000L, b("k"), b("v")));
        // version, op, 8-byte client id, 1-byte sequence, 6-byte timestamp, 2 x (1-byte length + 1 byte)
        assertThat(encoded).hasSize(2 + 8 + 1 + 6 + 2 + 2);
    }

    @Test
    void everyTruncationIsRejectedWithAMessage() {
        for (KvCommand command : SAMPLES) {
            byte[] encoded = KvCommandCodec.encode(command);
            for (int length = 0; length < encoded.length; length++) {
                byte[] cut = Arrays.copyOf(encoded, length);
                assertThatThrownBy(() -> KvCommandCodec.decode(cut)).as("%s cut to %d", command, length)
                        .isInstanceOf(MalformedCommandException.class).hasMessageContaining("offset");
            }
        }
    }

    @Test
    void rejectsTrailingBytes() {
        byte[] encoded = KvCommandCodec.encode(SAMPLES.get(0));
        byte[] longer = Arrays.copyOf(encoded, encoded.length + 1);
        assertThatThrownBy(() -> KvCommandCodec.decode(longer)).isInstanceOf(MalformedCommandException.class)
                .hasMessageContaining("unexpected bytes after the command");
    }

    @Test
    void rejectsUnknownVersionOpAndCondition() {
        byte[] encoded = KvCommandCodec.encode(SAMPLES.get(3));
        byte[] version = encoded.clone();
        version[0] = 2;
        assertThatThrownBy(() -> KvCommandCodec.decode(version)).hasMessageContaining("format version 2");
        byte[] op = encoded.clone();
        op[1] = 9;
        assertThatThrownBy(() -> KvCommandCodec.decode(op)).hasMessageContaining("unknown op 9");
        byte[] condition = encoded.clone();
        int conditionAt = 2 + 8 + 1 + 1 + 2; // version, op, client, seq, ts, key "a"
        assertThat(condition[conditionAt]).isEqualTo((byte) KvCommandCodec.CONDITION_VALUE);
        condition[conditionAt] = 7;
        assertThatThrownBy(() -> KvCommandCodec.decode(condition)).hasMessageContaining("unknown CAS condition 7");
    }

    @Test
    void rejectsLengthsBeyondTheData() {
        byte[] encoded = KvCommandCodec.encode(new KvCommand.Delete(1, 1, 1, b("k")));
        encoded[encoded.length - 2] = 100; // key length
        assertThatThrownBy(() -> KvCommandCodec.decode(encoded)).hasMessageContaining("key length 100 exceeds");
    }

    @Test
    void rejectsOverlongVarintsAndZeroSequence() {
        byte[] header = {1, KvCommandCodec.OP_DELETE, 0, 0, 0, 0, 0, 0, 0, 1};
        byte[] overlong = concat(header, new byte[]{(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
                (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f});
        assertThatThrownBy(() -> KvCommandCodec.decode(overlong)).hasMessageContaining("sequence overflows");
        byte[] zeroSequence = concat(header, new byte[]{0, 0, 1, 'k'});
        assertThatThrownBy(() -> KvCommandCodec.decode(zeroSequence)).hasMessageContaining("sequence must be >= 1");
        byte[] negativeSequence = concat(header, new byte[]{(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
                (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01, 0, 1, 'k'});
        assertThatThrownBy(() -> KvCommandCodec.decode(negativeSequence)).hasMessageContaining("sequence must be >= 1");
    }

    @Test
    void randomBytesNeverEscapeAsAnotherException() {
        Random random = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            byte[] data;
            if (i % 2 == 0) {
                data = new byte[random.nextInt(40)];
                random.nextBytes(data);
            } else { // mutate a valid command: more likely to get past the header
                data = KvCommandCodec.encode(SAMPLES.get(random.nextInt(SAMPLES.size())));
                data[random.nextInt(data.length)] = (byte) random.nextInt();
            }
            try {
                KvCommand decoded = KvCommandCodec.decode(data);
                assertThat(KvCommandCodec.decode(KvCommandCodec.encode(decoded))).isEqualTo(decoded);
            } catch (MalformedCommandException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            } catch (RuntimeException e) {
                fail("decode threw " + e + " for " + Arrays.toString(data));
            }
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
