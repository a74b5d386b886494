package io.raftkv.kv;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * A point-in-time capture of a {@link KvStateMachine} (from {@link KvStateMachine#capture()}), to be written
 * out later on any thread: capturing only copies references (histories and their arrays are immutable), so the
 * apply thread is held up for a walk over the index, not for the I/O (the design notes: never build a snapshot
 * on the consensus thread).
 */
public final class KvSnapshot {

    private final long appliedIndex;
    private final long revision;
    private final long compactRevision;
    private final long clockMillis;
    private final byte[][] keys;
    private final KeyHistory[] histories;
    private final long keyCount;
    private final List<SessionTable.Session> sessions;

    KvSnapshot(long appliedIndex, long revision, long compactRevision, long clockMillis, byte[][] keys,
               KeyHistory[] histories, long keyCount, List<SessionTable.Session> sessions) {
        this.appliedIndex = appliedIndex;
        this.revision = revision;
        this.compactRevision = compactRevision;
        this.clockMillis = clockMillis;
        this.keys = keys;
        this.histories = histories;
        this.keyCount = keyCount;
        this.sessions = List.copyOf(sessions);
    }

    /** The log index this snapshot reflects (the last entry applied before it). */
    public long appliedIndex() {
        return appliedIndex;
    }

    public long revision() {
        return revision;
    }

    /** The number of live keys (keys with only tombstones retained are not counted). */
    public long keyCount() {
        return keyCount;
    }

    /**
     * Writes the snapshot in {@link SnapshotFormat} (deterministic: the same state always gives the same
     * bytes). Flushes but does not close {@code out}.
     */
    public void writeTo(OutputStream out) throws IOException {
        SnapshotFormat.write(out, appliedIndex, revision, compactRevision, clockMillis, keys, histories, sessions);
    }
}
