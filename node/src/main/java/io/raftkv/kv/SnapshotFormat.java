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
 * The snapshot format. Integers are big-endian, varints unsigned LEB128; "bytes" is a varint length followed by
 * the bytes. Version 2 (written) keeps the MVCC history:
 * <pre>
 * magic "RKVS", u8 format version (2)
 * varint applied index, varint store revision, varint compacted revision, varint log clock (ms)
 * varint key count, then per key in ascending unsigned order:
 *     bytes key, varint version count (&ge; 1), then per version, oldest first (mod revisions increasing):
 *         u8 1 (live): bytes value, varint createRevision, varint modRevision, varint version, u64 lease
 *         u8 2 (tombstone): varint modRevision (the delete's revision)
 * varint session count, then per session in ascending (signed) client id order:
 *     u64 client id, varint last sequence, varint last active (ms), result
 * result: u8 code wire id, bytes detail (UTF-8), optional key-value prior, optional key-value current,
 *     varint revision; optional = u8 0 (absent) or 1 followed by: bytes key, bytes value, varint createRevision,
 *     varint modRevision, varint version, u64 lease
 * u32 CRC32C of every preceding byte
 * end of stream
 * </pre>
 * Version 1 (still read) had no history: per key one live version (bytes key, bytes value, varint create,
 * varint mod, varint version), no compacted revision, no leases, and revisions were log indexes; the store's
 * revision counter continues from its revision, so revisions stay monotonic across the upgrade, and history
 * starts there (it is loaded as compacted at its revision).
 *
 * <p>Reading checks every invariant it can (order, limits, revisions within bounds, checksum, nothing after the
 * end) so that a damaged snapshot stops the restore with the offset of the problem instead of installing a wrong
 * state.
 */
final class SnapshotFormat {

    static final byte[] MAGIC = {'R', 'K', 'V', 'S'};
    static final int FORMAT_VERSION = 2;
    private static final int HISTORY_LESS_VERSION = 1;
    private static final int LIVE = 1;
    private static final int TOMBSTONE = 2;
    private static final int MAX_DETAIL_BYTES = 64 * 1024;

    /** A snapshot read back and validated. */
    record State(long appliedIndex, long revision, long compactRevision, long clockMillis,
                 ConcurrentSkipListMap<byte[], KeyHistory> index, List<SessionTable.Session> sessions) {
    }

    private SnapshotFormat() {
    }

    static void write(OutputStream stream, long appliedIndex, long revision, long compactRevision, long clockMillis,
                      byte[][] keys, KeyHistory[] histories, List<SessionTable.Session> sessions)
            throws IOException {
        SnapshotOutput out = new SnapshotOutput(stream);
        out.raw(MAGIC);
        out.u8(FORMAT_VERSION);
        out.varint(appliedIndex);
        out.varint(revision);
        out.varint(compactRevision);
        out.varint(clockMillis);
        out.varint(keys.length);
        for (int i = 0; i < keys.length; i++) {
            out.bytes(keys[i]);
            KeyHistory h = histories[i];
            out.varint(h.versionCount());
            for (int v = 0; v < h.versionCount(); v++) {
                StoredValue version = h.version(v);
                if (version.isTombstone()) {
                    out.u8(TOMBSTONE);
                    out.varint(version.modRevision());
                } else {
                    out.u8(LIVE);
                    writeVersion(out, version.value(), version.createRevision(), version.modRevision(),
                            version.version(), version.lease());
                }
            }
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
        out.bytes(kv.key().array());
        writeVersion(out, kv.value().array(), kv.createRevision(), kv.modRevision(), kv.version(), kv.lease());
    }

    private static void writeVersion(SnapshotOutput out, byte[] value, long createRevision, long modRevision,
                                     long version, long lease) throws IOException {
        out.bytes(value);
        out.varint(createRevision);
        out.varint(modRevision);
        out.varint(version);
        out.u64(lease);
    }

    static State read(InputStream stream) throws IOException {
        SnapshotInput in = new SnapshotInput(stream);
        for (int i = 0; i < MAGIC.length; i++) {
            if (in.u8("magic") != MAGIC[i]) {
                throw in.corrupt("not a RaftKV snapshot (bad magic)", 0);
            }
        }
        int version = in.u8("format version");
        if (version != FORMAT_VERSION && version != HISTORY_LESS_VERSION) {
            throw in.corrupt("unsupported snapshot format version " + version + " (this build understands "
                    + HISTORY_LESS_VERSION + " and " + FORMAT_VERSION + ")", MAGIC.length);
        }
        boolean v1 = version == HISTORY_LESS_VERSION;
        long appliedIndex = in.varint("applied index");
        // A v1 revision is a log index (0 on an empty store); a v2 revision counts from 1 and rises at most once
        // per entry.
        long revision = v1 ? in.varint("revision", 0, appliedIndex) : in.varint("revision", 1, appliedIndex + 1);
        long compactRevision = v1 ? 0 : in.varint("compacted revision", 0, revision);
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
            entries.add(key, v1 ? readVersion(in, revision, false) : readHistory(in, revision, compactRevision));
        }
        ConcurrentSkipListMap<byte[], KeyHistory> index = new ConcurrentSkipListMap<>(entries);

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
            sessions.add(new SessionTable.Session(clientId, lastSequence, lastActive,
                    readResult(in, Math.max(revision, appliedIndex), !v1)));
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
        // A v1 snapshot has no history: reads below its revision are refused as compacted rather than answered
        // from the latest versions alone.
        long rev = Math.max(1, revision);
        return new State(appliedIndex, rev, v1 ? rev : compactRevision, clockMillis, index, sessions);
    }

    /** One key's versions: mod revisions increasing, at most {@code revision}; only the oldest at or below the
     * compacted revision, and that one live. */
    private static KeyHistory readHistory(SnapshotInput in, long revision, long compactRevision) throws IOException {
        long count = in.varint("version count", 1, revision);
        List<StoredValue> list = new ArrayList<>((int) Math.min(count, 1 << 16));
        long previousMod = 0;
        for (long i = 0; i < count; i++) {
            long at = in.offset();
            int kind = in.u8("version kind");
            StoredValue v;
            if (kind == LIVE) {
                v = readVersion(in, revision, true);
            } else if (kind == TOMBSTONE) {
                v = StoredValue.tombstone(in.varint("delete revision", 1, revision));
            } else {
                throw in.corrupt("version kind must be 1 or 2, got " + kind, at);
            }
            if (v.modRevision() <= previousMod) {
                throw in.corrupt("version #" + i + " is not after the previous one", at);
            }
            if (i > 0 && v.modRevision() <= compactRevision || v.isTombstone() && v.modRevision() <= compactRevision) {
                throw in.corrupt("version #" + i + " should have been compacted (compacted revision "
                        + compactRevision + ")", at);
            }
            previousMod = v.modRevision();
            list.add(v);
        }
        return list.size() == 1 ? list.get(0) : new VersionChain(list.toArray(new StoredValue[0]));
    }

    private static byte[] readKey(SnapshotInput in) throws IOException {
        long at = in.offset();
        byte[] key = in.bytes("key", KvLimits.MAX_KEY_BYTES);
        if (key.length == 0) {
            throw in.corrupt("empty key", at);
        }
        return key;
    }

    /** Reads a live version; revisions must satisfy 1 &le; create &le; mod &le; {@code maxRevision}. */
    private static StoredValue readVersion(SnapshotInput in, long maxRevision, boolean withLease) throws IOException {
        byte[] value = in.bytes("value", KvLimits.MAX_VALUE_BYTES);
        long createRevision = in.varint("create revision", 1, maxRevision);
        long modRevision = in.varint("mod revision", createRevision, maxRevision);
        long version = in.varint("version", 1, Long.MAX_VALUE);
        long lease = withLease ? in.u64("lease") : 0;
        return new StoredValue(value, createRevision, modRevision, version, lease);
    }

    private static KvResult readResult(SnapshotInput in, long appliedIndex, boolean withLease) throws IOException {
        long codeAt = in.offset();
        int wireId = in.u8("result code");
        KvResult.Code code = KvResult.Code.fromWireId(wireId);
        if (code == null) {
            throw in.corrupt("unknown result code " + wireId, codeAt);
        }
        String detail = new String(in.bytes("result detail", MAX_DETAIL_BYTES), StandardCharsets.UTF_8);
        KeyValue prior = readOptional(in, appliedIndex, withLease);
        KeyValue current = readOptional(in, appliedIndex, withLease);
        long revision = in.varint("result revision", 0, appliedIndex);
        return new KvResult(code, detail, prior, current, revision);
    }

    private static KeyValue readOptional(SnapshotInput in, long appliedIndex, boolean withLease) throws IOException {
        long at = in.offset();
        int present = in.u8("presence flag");
        if (present == 0) {
            return null;
        }
        if (present != 1) {
            throw in.corrupt("presence flag must be 0 or 1, got " + present, at);
        }
        byte[] key = readKey(in);
        return readVersion(in, appliedIndex, withLease).toKeyValue(key);
    }
}
