package io.raftkv.kv;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The snapshot format, version 1. Integers are big-endian, varints unsigned LEB128; "bytes" is a varint length
 * followed by the bytes:
 * <pre>
 * magic "RKVS", u8 format version (1)
 * varint applied index, varint cluster revision, varint log clock (ms)
 * varint key count, then per key in ascending unsigned order:
 *     bytes key, bytes value, varint createRevision, varint modRevision, varint version
 * varint session count, then per session in ascending (signed) client id order:
 *     u64 client id, varint last sequence, varint last active (ms), result
 * result: u8 code wire id, bytes detail (UTF-8), optional key-value prior, optional key-value current,
 *     varint revision; optional = u8 0 (absent) or 1 followed by the key-value fields above
 * u32 CRC32C of every preceding byte
 * end of stream
 * </pre>
 * Reading checks every invariant it can (order, limits, revisions within the applied index, checksum, nothing
 * after the end) so that a damaged snapshot stops the restore with the offset of the problem instead of
 * installing a wrong state.
 */
final class SnapshotFormat {

    static final byte[] MAGIC = {'R', 'K', 'V', 'S'};
    static final int FORMAT_VERSION = 1;
    private static final int MAX_DETAIL_BYTES = 64 * 1024;

    /** A snapshot read back and validated. */
    record State(long appliedIndex, long revision, long clockMillis, long keyCount,
                 ConcurrentSkipListMap<byte[], StoredValue> map, List<SessionTable.Session> sessions) {
    }

    private SnapshotFormat() {
    }

    static void write(OutputStream stream, long appliedIndex, long revision, long clockMillis, byte[][] keys,
                      StoredValue[] values, List<SessionTable.Session> sessions) throws IOException {
        SnapshotOutput out = new SnapshotOutput(stream);
        out.raw(MAGIC);
        out.u8(FORMAT_VERSION);
        out.varint(appliedIndex);
        out.varint(revision);
        out.varint(clockMillis);
        out.varint(keys.length);
        for (int i = 0; i < keys.length; i++) {
            writeKeyValue(out, keys[i], values[i].value(), values[i].createRevision(), values[i].modRevision(),
                    values[i].version());
        }
        out.varint(sessions.size());
        for (SessionTable.Session session : sessions) {
            out.u64(session.clientId());
            out.varint(session.lastSequence());
            out.varint(session.lastActiveMillis());
            writeResult(out, session.lastResult());
        }
        out.u32(out.checksum());
        out.flush();
    }

    private static void writeResult(SnapshotOutput out, KvResult result) throws IOException {
        out.u8(result.code().wireId());
        out.bytes(result.detail().getBytes(StandardCharsets.UTF_8));
        writeOptional(out, result.prior());
        writeOptional(out, result.current());
        out.varint(result.revision());
    }

    private static void writeOptional(SnapshotOutput out, KeyValue kv) throws IOException {
        if (kv == null) {
            out.u8(0);
            return;
        }
        out.u8(1);
        writeKeyValue(out, kv.key().array(), kv.value().array(), kv.createRevision(), kv.modRevision(),
                kv.version());
    }

    private static void writeKeyValue(SnapshotOutput out, byte[] key, byte[] value, long createRevision,
                                      long modRevision, long version) throws IOException {
        out.bytes(key);
        out.bytes(value);
        out.varint(createRevision);
        out.varint(modRevision);
        out.varint(version);
    }

    static State read(InputStream stream) throws IOException {
        SnapshotInput in = new SnapshotInput(stream);
        for (int i = 0; i < MAGIC.length; i++) {
            if (in.u8("magic") != MAGIC[i]) {
                throw in.corrupt("not a RaftKV snapshot (bad magic)", 0);
            }
        }
        int version = in.u8("format version");
        if (version != FORMAT_VERSION) {
            throw in.corrupt("unsupported snapshot format version " + version + " (this build understands "
                    + FORMAT_VERSION + ")", MAGIC.length);
        }
        long appliedIndex = in.varint("applied index");
        long revision = in.varint("revision", 0, appliedIndex);
        long clockMillis = in.varint("log clock");
        long keyCount = in.varint("key count");

        // The keys are stored in order and checked to be, so the map is built in one linear pass from them
        // instead of by a search per insert.
        SortedEntries entries = new SortedEntries();
        byte[] previousKey = null;
        for (long i = 0; i < keyCount; i++) {
            long keyAt = in.offset();
            byte[] key = readKey(in);
            if (previousKey != null && Arrays.compareUnsigned(previousKey, key) >= 0) {
                throw in.corrupt("key #" + i + " is not after the previous key", keyAt);
            }
            previousKey = key;
            entries.add(key, readStoredValue(in, revision));
        }
        ConcurrentSkipListMap<byte[], StoredValue> map = new ConcurrentSkipListMap<>(entries);

        long sessionCount = in.varint("session count");
        List<SessionTable.Session> sessions = new ArrayList<>();
        Long previousClient = null;
        for (long i = 0; i < sessionCount; i++) {
            long sessionAt = in.offset();
            long clientId = in.u64("client id");
            if (previousClient != null && previousClient >= clientId) {
                throw in.corrupt("session #" + i + " is not after the previous client id", sessionAt);
            }
            previousClient = clientId;
            long lastSequence = in.varint("last sequence", 1, Long.MAX_VALUE);
            long lastActive = in.varint("last active", 0, clockMillis);
            sessions.add(new SessionTable.Session(clientId, lastSequence, lastActive, readResult(in, appliedIndex)));
        }

        long checksumAt = in.offset();
        int expected = in.checksum();
        int stored = in.u32("checksum");
        if (stored != expected) {
            throw in.corrupt(String.format("checksum mismatch: stored %08x, computed %08x", stored, expected),
                    checksumAt);
        }
        if (!in.atEnd()) {
            throw in.corrupt("unexpected bytes after the end of the snapshot", in.offset());
        }
        return new State(appliedIndex, revision, clockMillis, keyCount, map, sessions);
    }

    private static byte[] readKey(SnapshotInput in) throws IOException {
        long at = in.offset();
        byte[] key = in.bytes("key", KvLimits.MAX_KEY_BYTES);
        if (key.length == 0) {
            throw in.corrupt("empty key", at);
        }
        return key;
    }

    /** Reads value and revisions; revisions must satisfy 1 &le; create &le; mod &le; {@code maxRevision}. */
    private static StoredValue readStoredValue(SnapshotInput in, long maxRevision) throws IOException {
        byte[] value = in.bytes("value", KvLimits.MAX_VALUE_BYTES);
        long createRevision = in.varint("create revision", 1, maxRevision);
        long modRevision = in.varint("mod revision", createRevision, maxRevision);
        long version = in.varint("version", 1, Long.MAX_VALUE);
        return new StoredValue(value, createRevision, modRevision, version);
    }

    private static KvResult readResult(SnapshotInput in, long appliedIndex) throws IOException {
        long codeAt = in.offset();
        int wireId = in.u8("result code");
        KvResult.Code code = KvResult.Code.fromWireId(wireId);
        if (code == null) {
            throw in.corrupt("unknown result code " + wireId, codeAt);
        }
        String detail = new String(in.bytes("result detail", MAX_DETAIL_BYTES), StandardCharsets.UTF_8);
        KeyValue prior = readOptional(in, appliedIndex);
        KeyValue current = readOptional(in, appliedIndex);
        long revision = in.varint("result revision", 0, appliedIndex);
        return new KvResult(code, detail, prior, current, revision);
    }

    private static KeyValue readOptional(SnapshotInput in, long appliedIndex) throws IOException {
        long at = in.offset();
        int present = in.u8("presence flag");
        if (present == 0) {
            return null;
        }
        if (present != 1) {
            throw in.corrupt("presence flag must be 0 or 1, got " + present, at);
        }
        byte[] key = readKey(in);
        return readStoredValue(in, appliedIndex).toKeyValue(key);
    }
}
