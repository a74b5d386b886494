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
 * Only this class changes its fields; the leader tells it what happened (sent, acknowledged, rejected, ticked).
 */
final class Progress {
    enum State { PROBE, REPLICATE, SNAPSHOT }

    private long match;
    private long next;
    private State state = State.PROBE;
    /** In PROBE: an AppendEntries is outstanding; wait for its answer or the next heartbeat. */
    private boolean probeSent;
    /** Heard from since the last CheckQuorum round (thesis §6.2). A new follower counts as heard from. */
    private boolean recentActive = true;
    /** Highest ReadIndex round this follower acknowledged in the current term (thesis §6.4). */
    private long ackedReadRound;
    /** Leader ticks since anything was sent to this follower; at the heartbeat interval it is contacted. */
    private int ticksSinceSent;
    /** The read round carried by the last message sent to this follower. */
    private long sentRound;
    /** Highest commit index told to this follower. */
    private long commitSent;
    /** Order of the latest acknowledgement, to prefer the most responsive followers. */
    private long lastAckSeq;

    /** In SNAPSHOT: the snapshot being streamed and the offset the follower expects next. */
    private SnapshotMeta snapshot;
    private long snapshotOffset;
    private boolean snapshotChunkInFlight;
    private int snapshotIdleHeartbeats;

    private final Inflights inflights;

    Progress(long next, int maxInflight, long maxInflightBytes) {
        this.next = next;
        this.inflights = new Inflights(maxInflight, maxInflightBytes);
    }

    // ------------------------------------------------------------------------------------------ queries

    long match() {
        return match;
    }

    long next() {
        return next;
    }

    State state() {
        return state;
    }

    boolean recentlyActive() {
        return recentActive;
    }

    long ackedReadRound() {
        return ackedReadRound;
    }

    long sentRound() {
        return sentRound;
    }

    long commitSent() {
        return commitSent;
    }

    long lastAckSeq() {
        return lastAckSeq;
    }

    int ticksSinceSent() {
        return ticksSinceSent;
    }

    /** In SNAPSHOT: the snapshot being streamed. */
    SnapshotMeta snapshot() {
        return snapshot;
    }

    /** In SNAPSHOT: the offset of the next chunk to send. */
    long snapshotOffset() {
        return snapshotOffset;
    }

    /** Whether the follower must not be sent more now: a probe is out, the pipeline is full, or a snapshot runs. */
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

    /** Whether this follower should be told that the commit index is now {@code committed}. */
    boolean lacksCommit(long committed) {
        return commitSent < Math.min(committed, match);
    }

    // ------------------------------------------------------------------------------------------ state changes

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

    /** The leader's log ends at {@code lastIndex}: nothing beyond {@code lastIndex + 1} can be sent next. */
    void limitNextTo(long lastIndex) {
        if (next > lastIndex + 1) {
            next = lastIndex + 1;
        }
    }

    /**
     * An AppendEntries ending at {@code lastIndex} with {@code entries} entries ({@code bytes} of them) was sent,
     * telling the follower commit index {@code commitTold} and read round {@code readRound}.
     */
    void sentAppend(long lastIndex, int entries, long bytes, long commitTold, long readRound) {
        sentSomething(commitTold, readRound);
        if (entries == 0) {
            if (state == State.PROBE) {
                probeSent = true; // an empty probe also waits for its answer
            }
            return;
        }
        if (state == State.REPLICATE) {
            if (lastIndex >= next) {
                next = lastIndex + 1;
                inflights.add(lastIndex, bytes);
            }
        } else if (state == State.PROBE) {
            probeSent = true;
        }
    }

    /** A heartbeat telling commit index {@code commitTold} and read round {@code readRound} was sent. */
    void sentHeartbeat(long commitTold, long readRound) {
        sentSomething(commitTold, readRound);
    }

    private void sentSomething(long commitTold, long readRound) {
        commitSent = Math.max(commitSent, commitTold);
        ticksSinceSent = 0;
        sentRound = readRound;
    }

    /** The snapshot chunk at {@link #snapshotOffset()} was sent. */
    void sentSnapshotChunk() {
        snapshotChunkInFlight = true;
        snapshotIdleHeartbeats = 0;
        ticksSinceSent = 0;
    }

    /** The follower took a chunk and expects {@code nextOffset} next (an impossible offset restarts from 0). */
    void snapshotChunkAcknowledged(long nextOffset) {
        snapshotOffset = nextOffset <= snapshot.sizeBytes() ? nextOffset : 0;
        snapshotChunkInFlight = false;
    }

    /** The follower installed the snapshot at {@code index}: probe for the entries after it. */
    void snapshotInstalled(long index) {
        match = Math.max(match, index);
        becomeProbe();
    }

    /** A heartbeat interval passed (a round): whether the chunk in flight has gone unanswered too long. */
    boolean snapshotChunkOverdue(int maxIdleRounds) {
        return snapshotChunkInFlight && ++snapshotIdleHeartbeats >= maxIdleRounds;
    }

    /** One leader tick passed. */
    void tick() {
        if (ticksSinceSent < Integer.MAX_VALUE) {
            ticksSinceSent++;
        }
    }

    /** Any answer from the follower: it is alive (CheckQuorum) and was the {@code ackSeq}-th to answer. */
    void heardFrom(long ackSeq) {
        recentActive = true;
        lastAckSeq = ackSeq;
    }

    /** A new CheckQuorum period starts (thesis §6.2): the follower must be heard from again. */
    void forgetRecentActivity() {
        recentActive = false;
    }

    /**
     * The follower echoed read round {@code round} (thesis §6.4); rounds above {@code currentRound} are not
     * ours. Returns whether this is news.
     */
    boolean acknowledgeReadRound(long round, long currentRound) {
        if (round > ackedReadRound && round <= currentRound) {
            ackedReadRound = round;
            return true;
        }
        return false;
    }

    /** A heartbeat was answered: a probe may go out again, and a lost acknowledgement no longer blocks the pipe. */
    void heartbeatAnswered() {
        probeSent = false;
        if (state == State.REPLICATE && inflights.full()) {
            inflights.freeFirst(); // an acknowledgement may have been lost; keep the pipeline moving
        }
    }

    /** The follower holds everything through {@code index}: in REPLICATE the messages up to it left the pipe. */
    void freeInflightsThrough(long index) {
        if (state == State.REPLICATE) {
            inflights.freeLE(index);
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
