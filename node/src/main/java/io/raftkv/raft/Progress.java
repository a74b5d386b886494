package io.raftkv.raft;

/**
 * The leader's view of one follower's replication (etcd's progress states):
 * <ul>
 *   <li>{@code PROBE}: we do not know where the follower's log ends; send one AppendEntries at a time and
 *       wait for its answer.</li>
 *   <li>{@code REPLICATE}: the follower keeps up; send optimistically (pipelining), bounded by
 *       {@link Inflights}.</li>
 *   <li>{@code SNAPSHOT}: the follower needs entries we compacted; stream it a snapshot (§7), one chunk per
 *       acknowledgement.</li>
 * </ul>
 */
final class Progress {
    enum State { PROBE, REPLICATE, SNAPSHOT }

    long match;
    long next;
    State state = State.PROBE;
    /** In PROBE: an AppendEntries is outstanding; wait for its answer or the next heartbeat. */
    boolean probeSent;
    /** Heard from since the last CheckQuorum round (thesis §6.2). */
    boolean recentActive;
    /** Highest ReadIndex round this follower acknowledged in the current term (thesis §6.4). */
    long ackedReadRound;
    /** Leader ticks since anything was sent to this follower; at the heartbeat interval it is contacted. */
    int ticksSinceSent;
    /** The read round carried by the last message sent to this follower. */
    long sentRound;
    /** Highest commit index told to this follower. */
    long commitSent;
    /** Order of the latest acknowledgement, to prefer the most responsive followers. */
    long lastAckSeq;

    /** In SNAPSHOT: the snapshot being streamed and the offset the follower expects next. */
    SnapshotMeta snapshot;
    long snapshotOffset;
    boolean snapshotChunkInFlight;
    int snapshotIdleHeartbeats;

    final Inflights inflights;

    Progress(long next, int maxInflight, long maxInflightBytes) {
        this.next = next;
        this.inflights = new Inflights(maxInflight, maxInflightBytes);
    }

    boolean isPaused() {
        switch (state) {
            case PROBE:
                return probeSent;
            case REPLICATE:
                return inflights.full();
            default:
                return true;
        }
    }

    void becomeProbe() {
        if (state == State.SNAPSHOT) {
            long snapIndex = snapshot == null ? 0 : snapshot.index();
            next = Math.max(match + 1, snapIndex + 1);
        } else {
            next = match + 1;
        }
        state = State.PROBE;
        probeSent = false;
        snapshot = null;
        inflights.reset();
    }

    void becomeReplicate() {
        state = State.REPLICATE;
        next = match + 1;
        probeSent = false;
        snapshot = null;
        inflights.reset();
    }

    void becomeSnapshot(SnapshotMeta meta) {
        state = State.SNAPSHOT;
        snapshot = meta;
        snapshotOffset = 0;
        snapshotChunkInFlight = false;
        probeSent = false;
        inflights.reset();
    }

    /** An AppendEntries ending at {@code lastIndex} with {@code bytes} of entries was sent. */
    void sentEntries(long lastIndex, long bytes) {
        if (state == State.REPLICATE) {
            if (lastIndex >= next) {
                next = lastIndex + 1;
                inflights.add(lastIndex, bytes);
            }
        } else if (state == State.PROBE) {
            probeSent = true;
        }
    }

    /** The follower acknowledged holding everything through {@code index}; false if that is old news. */
    boolean maybeUpdate(long index) {
        boolean updated = false;
        if (match < index) {
            match = index;
            updated = true;
            probeSent = false;
        }
        next = Math.max(next, index + 1);
        return updated;
    }

    /**
     * The follower rejected an AppendEntries whose previous index was {@code rejected}; {@code hint} is the
     * highest index that may still match. Returns false if the rejection is stale (a reordered answer).
     */
    boolean maybeDecrTo(long rejected, long hint) {
        if (state == State.REPLICATE) {
            if (rejected <= match) {
                return false;
            }
            next = match + 1;
            return true;
        }
        if (next - 1 != rejected) {
            return false;
        }
        next = Math.max(Math.min(rejected, hint + 1), match + 1);
        probeSent = false;
        return true;
    }

    @Override
    public String toString() {
        return state + "{match=" + match + ", next=" + next + "}";
    }
}
