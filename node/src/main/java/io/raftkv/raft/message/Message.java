package io.raftkv.raft.message;

/**
 * A message between Raft peers. Every message carries the sender, the addressee and the sender's term;
 * everything else is specific to the kind. Messages are immutable values; transports serialize them as they
 * like.
 *
 * <p>Code that treats each kind differently implements {@link Visitor}: a kind added to {@code permits} then
 * fails to compile until every visitor says what to do with it, instead of falling through an
 * {@code instanceof} chain and being ignored ({@code MessageKindsTest} checks that each kind reaches its own
 * method).
 */
public sealed interface Message
        permits VoteRequest, VoteResponse, AppendEntries, AppendResponse, Heartbeat, HeartbeatResponse,
        InstallSnapshot, SnapshotResponse, TimeoutNow, ReadIndexRequest, ReadIndexResponse {

    long from();

    long to();

    long term();

    /** A rough size in bytes, used for batching limits and metrics. */
    default int sizeBytes() {
        return 40;
    }

    /** Calls the visitor's method for this kind of message. */
    <R> R accept(Visitor<R> visitor);

    /** One method per kind of message. */
    interface Visitor<R> {
        R onVoteRequest(VoteRequest m);

        R onVoteResponse(VoteResponse m);

        R onAppendEntries(AppendEntries m);

        R onAppendResponse(AppendResponse m);

        R onHeartbeat(Heartbeat m);

        R onHeartbeatResponse(HeartbeatResponse m);

        R onInstallSnapshot(InstallSnapshot m);

        R onSnapshotResponse(SnapshotResponse m);

        R onTimeoutNow(TimeoutNow m);

        R onReadIndexRequest(ReadIndexRequest m);

        R onReadIndexResponse(ReadIndexResponse m);
    }
}
