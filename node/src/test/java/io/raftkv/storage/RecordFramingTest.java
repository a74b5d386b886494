package io.raftkv.storage;

import io.raftkv.raft.Entry;
import io.raftkv.raft.EntryType;
import io.raftkv.raft.HardState;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecordFramingTest {

    private final CRC32C crc = new CRC32C();

    private byte[] frame(Entry entry) {
        ByteBuffer buf = ByteBuffer.allocate(WalRecords.entryFrameBytes(entry));
        WalRecords.putEntry(buf, entry, crc);
        assertThat(buf.hasRemaining()).isFalse();
        return buf.array();
    }

    @Test
    void entryRoundTripsThroughItsFrame() {
        Entry entry = new Entry(42, 7, EntryType.MEMBERSHIP, "payload".getBytes());
        byte[] bytes = frame(entry);

        assertThat(RecordFraming.problem(bytes, 0, bytes.length, crc)).isNull();
        assertThat(RecordFraming.type(bytes, 0)).isEqualTo(RecordType.ENTRY);
        int length = RecordFraming.payloadLength(bytes, 0);
        assertThat(length).isEqualTo(bytes.length - RecordFraming.HEADER_BYTES);
        assertThat(WalRecords.entry(bytes, RecordFraming.HEADER_BYTES, length)).isEqualTo(entry);
    }

    @Test
    void hardStateAndSnapshotRecordsRoundTrip() {
        ByteBuffer buf = ByteBuffer.allocate(WalRecords.hardStateFrameBytes() + WalRecords.snapshotFrameBytes());
        WalRecords.putHardState(buf, new HardState(5, 3, 99), crc);
        WalRecords.putSnapshot(buf, 1000, 4, crc);
        byte[] bytes = buf.array();

        assertThat(RecordFraming.problem(bytes, 0, bytes.length, crc)).isNull();
        assertThat(WalRecords.hardState(bytes, RecordFraming.HEADER_BYTES, RecordFraming.payloadLength(bytes, 0)))
                .isEqualTo(new HardState(5, 3, 99));
        int second = WalRecords.hardStateFrameBytes();
        assertThat(RecordFraming.type(bytes, second)).isEqualTo(RecordType.SNAPSHOT);
        assertThat(WalRecords.snapshot(bytes, second + RecordFraming.HEADER_BYTES, 16)).containsExactly(1000, 4);
    }

    @Test
    void everySingleBitFlipIsDetected() {
        byte[] bytes = frame(Entry.normal(3, 2, new byte[300]));
        for (int bit = 0; bit < bytes.length * 8; bit++) {
            byte[] damaged = bytes.clone();
            damaged[bit / 8] ^= (byte) (1 << (bit % 8));
            assertThat(RecordFraming.problem(damaged, 0, damaged.length, crc)).as("bit %d", bit).isNotNull();
        }
    }

    @Test
    void truncatedFramesAreReportedAsSuch() {
        byte[] bytes = frame(Entry.normal(3, 2, new byte[100]));

        assertThat(RecordFraming.problem(bytes, 0, 5, crc)).contains("incomplete record header");
        assertThat(RecordFraming.problem(bytes, 0, bytes.length - 1, crc)).contains("runs past end of file");
    }

    @Test
    void zerosAreNeverARecord() {
        byte[] zeros = new byte[64];

        assertThat(RecordFraming.problem(zeros, 0, zeros.length, crc)).contains("unknown record type 0");
        assertThat(RecordFraming.findIntactRecord(zeros, 0, zeros.length, crc)).isEqualTo(-1);
        assertThat(RecordFraming.allZero(zeros, 0, zeros.length)).isTrue();
    }

    @Test
    void anIntactRecordIsFoundAfterDamage() {
        byte[] first = frame(Entry.normal(1, 1, new byte[50]));
        byte[] second = frame(Entry.normal(2, 1, new byte[50]));
        byte[] bytes = Arrays.copyOf(first, first.length + 7 + second.length);
        System.arraycopy(second, 0, bytes, first.length + 7, second.length);
        bytes[20] ^= 1;

        assertThat(RecordFraming.findIntactRecord(bytes, 1, bytes.length, crc)).isEqualTo(first.length + 7);
    }

    @Test
    void impossiblePayloadsAreRejectedEvenWithAGoodChecksum() {
        assertThatThrownBy(() -> WalRecords.entry(new byte[10], 0, 10)).hasMessageContaining("too short");
        byte[] badType = new byte[17];
        badType[16] = 9;
        assertThatThrownBy(() -> WalRecords.entry(badType, 0, 17)).hasMessageContaining("unknown entry type");
        assertThatThrownBy(() -> WalRecords.hardState(new byte[30], 0, 30)).hasMessageContaining("expected 24");
    }
}
