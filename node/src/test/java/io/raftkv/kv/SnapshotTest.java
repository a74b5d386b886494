package io.raftkv.kv;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;

import static io.raftkv.kv.Log.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SnapshotTest {

    private static final Duration TTL = Duration.ofSeconds(60);
    private static final long T0 = 1_700_000_000_000L;

    private static byte[] bytes(KvStateMachine sm) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        sm.writeSnapshot(out);
        return out.toByteArray();
    }

    private static KvStateMachine restored(byte[] snapshot) throws IOException {
        KvStateMachine sm = new KvStateMachine(TTL);
        sm.restore(new ByteArrayInputStream(snapshot));
        return sm;
    }

    /** A store with keys, deletes, CAS failures, an error result and several sessions. */
    private static KvStateMachine sample(Log log) {
        KvStateMachine sm = new KvStateMachine(TTL);
        sm.apply(log.command(Log.put(1, 1, T0, "a", "1")));
        sm.apply(log.command(Log.put(2, 1, T0 + 1, "b", "2")));
        sm.apply(log.noop());
        sm.apply(log.command(Log.put(1, 2, T0 + 2, "a", "3")));
        sm.apply(log.command(Log.casVersion(3, 1, T0 + 3, "a", 7, "x")));
        sm.apply(log.command(Log.delete(2, 2, T0 + 4, "b")));
        sm.apply(log.command(new KvCommand.Put(-5, 1, T0 + 5, Bytes.copyOf(new byte[]{(byte) 0x80}),
                Bytes.copyOf(new byte[1000]))));
        sm.apply(log.command(new KvCommand.Put(4, 1, T0 + 6, Bytes.EMPTY, b("v"))));
        sm.apply(log.raw(new byte[]{5}));
        return sm;
    }

    @Test
    void roundTripRestoresTheSameStateAndTheSameBytes() throws IOException {
        Log log = new Log();
        KvStateMachine original = sample(log);
        byte[] snapshot = bytes(original);
        KvStateMachine copy = restored(snapshot);

        assertThat(bytes(copy)).isEqualTo(snapshot);
        assertThat(copy.appliedIndex()).isEqualTo(original.appliedIndex()).isEqualTo(9);
        assertThat(copy.revision()).isEqualTo(original.revision()).isEqualTo(6);
        assertThat(copy.keyCount()).isEqualTo(2);
        assertThat(copy.range(Bytes.EMPTY, null, 100)).isEqualTo(original.range(Bytes.EMPTY, null, 100));
        assertThat(copy.sessionCount()).isEqualTo(original.sessionCount()).isEqualTo(5);
    }

    @Test
    void identicalHistoriesGiveIdenticalBytes() throws IOException {
        assertThat(bytes(sample(new Log()))).isEqualTo(bytes(sample(new Log())));
    }

    @Test
    void restoredSessionsStillAnswerRetriesAndContinueTheLog() throws IOException {
        Log log = new Log();
        KvStateMachine original = sample(log);
        KvStateMachine copy = restored(bytes(original));
        Log continued = new Log();
        for (long i = 0; i < original.appliedIndex(); i++) {
            continued.noop(); // align indexes with the original log
        }
        KvResult retryOriginal = original.apply(continued.command(Log.casVersion(3, 1, T0 + 7, "a", 7, "x")));
        Log continuedCopy = new Log();
        for (long i = 0; i < copy.appliedIndex(); i++) {
            continuedCopy.noop();
        }
        KvResult retryCopy = copy.apply(continuedCopy.command(Log.casVersion(3, 1, T0 + 7, "a", 7, "x")));
        assertThat(retryCopy).isEqualTo(retryOriginal);
        assertThat(retryCopy.code()).isEqualTo(KvResult.Code.CONDITION_FAILED);
        assertThat(retryCopy.revision()).isEqualTo(4);
        assertThat(bytes(copy)).isEqualTo(bytes(original));
    }

    @Test
    void expiryContinuesIdenticallyAfterRestore() throws IOException {
        Log log = new Log();
        KvStateMachine original = sample(log);
        KvStateMachine copy = restored(bytes(original));
        // At T0 + 60_005, clients 1, 2 and 3 (last active before T0 + 5) are idle for longer than the TTL; client
        // -5 (exactly one TTL idle) and client 4 stay, and client 9 joins.
        Log tail = new Log();
        for (long i = 0; i < original.appliedIndex(); i++) {
            tail.noop();
        }
        var entry = tail.command(Log.put(9, 1, T0 + 60_005, "c", "1"));
        original.apply(entry);
        copy.apply(entry);
        assertThat(copy.sessionCount()).isEqualTo(original.sessionCount()).isEqualTo(3);
        assertThat(bytes(copy)).isEqualTo(bytes(original));
    }

    @Test
    void emptyStoreRoundTrips() throws IOException {
        byte[] snapshot = bytes(new KvStateMachine(TTL));
        assertThat(bytes(restored(snapshot))).isEqualTo(snapshot);
    }

    @Test
    void everyTruncationIsRejected() throws IOException {
        byte[] snapshot = bytes(sample(new Log()));
        for (int length = 0; length < snapshot.length; length++) {
            byte[] cut = Arrays.copyOf(snapshot, length);
            assertThatThrownBy(() -> restored(cut)).as("cut to %d bytes", length)
                    .isInstanceOf(SnapshotFormatException.class).hasMessageContaining("offset");
        }
    }

    @Test
    void everySingleByteCorruptionIsRejected() throws IOException {
        byte[] snapshot = bytes(sample(new Log()));
        Random random = new Random(11);
        for (int position = 0; position < snapshot.length; position++) {
            byte[] corrupt = snapshot.clone();
            corrupt[position] ^= (byte) (1 + random.nextInt(255));
            assertThatThrownBy(() -> restored(corrupt)).as("byte %d flipped", position)
                    .isInstanceOf(SnapshotFormatException.class);
        }
    }

    @Test
    void aVersionOneSnapshotStillLoadsAndItsRevisionCounterContinues() throws IOException {
        // Format 1 (before history): revisions were log indexes; one version per key, no leases.
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SnapshotOutput out = new SnapshotOutput(bytes);
        out.raw(SnapshotFormat.MAGIC);
        out.u8(1);
        out.varint(5); // applied index
        out.varint(4); // revision
        out.varint(T0); // log clock
        out.varint(1); // keys
        out.bytes(b("a").toByteArray());
        out.bytes(b("1").toByteArray());
        out.varint(2);
        out.varint(4);
        out.varint(2);
        out.varint(0); // sessions
        out.u32(out.checksum());
        out.flush();
        KvStateMachine sm = restored(bytes.toByteArray());
        assertThat(sm.get(b("a"))).contains(new KeyValue(b("a"), b("1"), 2, 4, 2));
        assertThat(sm.revision()).isEqualTo(4);
        assertThat(sm.compactRevision()).as("no history before the upgrade").isEqualTo(4);
        assertThat(sm.appliedIndex()).isEqualTo(5);
        Log log = new Log();
        for (int i = 0; i < 5; i++) {
            log.noop();
        }
        KvResult put = sm.apply(log.command(Log.put(1, 1, T0, "a", "2")));
        assertThat(put.current()).isEqualTo(new KeyValue(b("a"), b("2"), 2, 5, 3));
        assertThat(restored(bytes(sm)).get(b("a"))).isEqualTo(sm.get(b("a")));
    }

    @Test
    void trailingBytesAndForeignFilesAreRejected() throws IOException {
        byte[] snapshot = bytes(sample(new Log()));
        byte[] longer = Arrays.copyOf(snapshot, snapshot.length + 1);
        assertThatThrownBy(() -> restored(longer)).hasMessageContaining("unexpected bytes after the end");
        assertThatThrownBy(() -> restored("hello world".getBytes()))
                .isInstanceOf(SnapshotFormatException.class).hasMessageContaining("bad magic");
        byte[] future = snapshot.clone();
        future[4] = 3;
        assertThatThrownBy(() -> restored(future)).hasMessageContaining("unsupported snapshot format version 3");
    }

    @Test
    void failedRestoreLeavesTheMachineUnavailableUntilAGoodRestore() throws IOException {
        KvStateMachine sm = sample(new Log());
        byte[] good = bytes(sm);
        byte[] corrupt = Arrays.copyOf(good, good.length - 1);
        assertThatThrownBy(() -> sm.restore(new ByteArrayInputStream(corrupt)))
                .isInstanceOf(SnapshotFormatException.class);
        assertThatThrownBy(() -> sm.get(b("a"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the last snapshot restore failed").hasMessageContaining("offset");
        assertThatThrownBy(() -> sm.range(Bytes.EMPTY, null, 10)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(sm::capture).isInstanceOf(IllegalStateException.class);
        Log log = new Log();
        for (int i = 0; i < 9; i++) {
            log.noop();
        }
        assertThatThrownBy(() -> sm.apply(log.noop())).isInstanceOf(IllegalStateException.class);

        sm.restore(new ByteArrayInputStream(good));
        assertThat(bytes(sm)).isEqualTo(good);
        assertThat(sm.get(b("a"))).isPresent();
    }

    @Test
    void readsFromAStreamThatReturnsFewBytesAtATime() throws IOException {
        KvStateMachine sm = new KvStateMachine(TTL);
        Log log = new Log();
        for (int i = 0; i < 500; i++) {
            sm.apply(log.command(new KvCommand.Put(1, i + 1, T0, b("key" + i), Bytes.copyOf(new byte[300]))));
        }
        byte[] snapshot = bytes(sm);
        assertThat(snapshot.length).isGreaterThan(128 * 1024); // spans several internal buffers
        KvStateMachine copy = new KvStateMachine(TTL);
        copy.restore(new TrickleStream(snapshot));
        assertThat(bytes(copy)).isEqualTo(snapshot);
    }

    /** Returns at most 7 bytes per read, like a slow network stream. */
    private static final class TrickleStream extends InputStream {
        private final ByteArrayInputStream in;

        TrickleStream(byte[] data) {
            in = new ByteArrayInputStream(data);
        }

        @Override
        public int read() {
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            return in.read(b, off, Math.min(len, 7));
        }
    }
}
