package io.raftkv.raft.message;

/**
 * A message between Raft peers. Every message carries the sender, the addressee and the sender's term;
 * everything else is specific to the kind. Messages are immutable values; transports serialize them as they
 * like.
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
}
