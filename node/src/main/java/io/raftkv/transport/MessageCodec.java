package io.raftkv.transport;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.raftkv.grpc.proto.AppendEntriesRequest;
import io.raftkv.grpc.proto.AppendEntriesResponse;
import io.raftkv.grpc.proto.HeartbeatRequest;
import io.raftkv.grpc.proto.InstallSnapshotChunk;
import io.raftkv.grpc.proto.LogEntry;
import io.raftkv.grpc.proto.MembershipProto;
import io.raftkv.grpc.proto.PeerHeader;
import io.raftkv.grpc.proto.PeerMessage;
import io.raftkv.grpc.proto.SnapshotMetaProto;
import io.raftkv.grpc.proto.TimeoutNowRequest;
import io.raftkv.raft.Entry;
import io.raftkv.raft.EntryType;
import io.raftkv.raft.Membership;
import io.raftkv.raft.SnapshotMeta;
import io.raftkv.raft.message.AppendEntries;
import io.raftkv.raft.message.AppendResponse;
import io.raftkv.raft.message.Heartbeat;
import io.raftkv.raft.message.HeartbeatResponse;
import io.raftkv.raft.message.InstallSnapshot;
import io.raftkv.raft.message.Message;
import io.raftkv.raft.message.ReadIndexRequest;
import io.raftkv.raft.message.ReadIndexResponse;
import io.raftkv.raft.message.SnapshotResponse;
import io.raftkv.raft.message.TimeoutNow;
import io.raftkv.raft.message.VoteRequest;
import io.raftkv.raft.message.VoteResponse;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * Translates the core's message records to and from their protobuf form. Decoding rejects malformed input
 * with {@link IllegalArgumentException} (the receiver drops the message; Raft retransmits).
 */
public final class MessageCodec {

    private MessageCodec() {
    }

    public static PeerMessage encode(Message m) {
        PeerMessage.Builder b = PeerMessage.newBuilder();
        PeerHeader h = header(m);
        if (m instanceof AppendEntries a) {
            AppendEntriesRequest.Builder ab = AppendEntriesRequest.newBuilder().setHeader(h)
                    .setPrevIndex(a.prevIndex()).setPrevTerm(a.prevTerm()).setCommit(a.commit())
                    .setReadRound(a.readRound());
            for (Entry e : a.entries()) {
                ab.addEntries(encode(e));
            }
            b.setAppend(ab);
        } else if (m instanceof AppendResponse r) {
            b.setAppendResponse(AppendEntriesResponse.newBuilder().setHeader(h).setSuccess(r.success())
                    .setIndex(r.index()).setHintIndex(r.hintIndex()).setHintTerm(r.hintTerm())
                    .setReadRound(r.readRound()));
        } else if (m instanceof Heartbeat hb) {
            b.setHeartbeat(HeartbeatRequest.newBuilder().setHeader(h).setCommit(hb.commit())
                    .setReadRound(hb.readRound()));
        } else if (m instanceof HeartbeatResponse r) {
            b.setHeartbeatResponse(io.raftkv.grpc.proto.HeartbeatResponse.newBuilder().setHeader(h)
                    .setReadRound(r.readRound()).setLastIndex(r.lastIndex()));
        } else if (m instanceof VoteRequest v) {
            b.setVote(encodeVote(v));
        } else if (m instanceof VoteResponse v) {
            b.setVoteResponse(io.raftkv.grpc.proto.VoteResponse.newBuilder().setHeader(h).setPreVote(v.preVote())
                    .setGranted(v.granted()));
        } else if (m instanceof InstallSnapshot s) {
            b.setSnapshot(encodeChunk(s));
        } else if (m instanceof SnapshotResponse r) {
            b.setSnapshotResponse(io.raftkv.grpc.proto.SnapshotResponse.newBuilder().setHeader(h)
                    .setSnapshotIndex(r.snapshotIndex()).setNextOffset(r.nextOffset()).setDone(r.done()));
        } else if (m instanceof TimeoutNow) {
            b.setTimeoutNow(TimeoutNowRequest.newBuilder().setHeader(h));
        } else if (m instanceof ReadIndexRequest r) {
            b.setReadIndex(io.raftkv.grpc.proto.ReadIndexRequest.newBuilder().setHeader(h)
                    .setRequestId(r.requestId()));
        } else if (m instanceof ReadIndexResponse r) {
            b.setReadIndexResponse(io.raftkv.grpc.proto.ReadIndexResponse.newBuilder().setHeader(h)
                    .setRequestId(r.requestId()).setIndex(r.index()).setOk(r.ok()));
        } else {
            throw new IllegalArgumentException("unknown message " + m);
        }
        return b.build();
    }

    public static io.raftkv.grpc.proto.VoteRequest encodeVote(VoteRequest v) {
        return io.raftkv.grpc.proto.VoteRequest.newBuilder().setHeader(header(v)).setLastLogIndex(v.lastLogIndex())
                .setLastLogTerm(v.lastLogTerm()).setPreVote(v.preVote()).setTransfer(v.transfer()).build();
    }

    public static InstallSnapshotChunk encodeChunk(InstallSnapshot s) {
        return InstallSnapshotChunk.newBuilder().setHeader(header(s)).setMeta(encode(s.meta()))
                .setOffset(s.offset()).setData(UnsafeByteOperations.unsafeWrap(s.data())).setDone(s.done()).build();
    }

    public static Message decode(PeerMessage p) {
        return switch (p.getKindCase()) {
            case APPEND -> {
                AppendEntriesRequest a = p.getAppend();
                List<Entry> entries = new ArrayList<>(a.getEntriesCount());
                for (LogEntry e : a.getEntriesList()) {
                    entries.add(decode(e));
                }
                PeerHeader h = a.getHeader();
                yield new AppendEntries(h.getFrom(), h.getTo(), h.getTerm(), a.getPrevIndex(), a.getPrevTerm(),
                        entries, a.getCommit(), a.getReadRound());
            }
            case APPEND_RESPONSE -> {
                AppendEntriesResponse r = p.getAppendResponse();
                PeerHeader h = r.getHeader();
                yield new AppendResponse(h.getFrom(), h.getTo(), h.getTerm(), r.getSuccess(), r.getIndex(),
                        r.getHintIndex(), r.getHintTerm(), r.getReadRound());
            }
            case HEARTBEAT -> {
                HeartbeatRequest r = p.getHeartbeat();
                PeerHeader h = r.getHeader();
                yield new Heartbeat(h.getFrom(), h.getTo(), h.getTerm(), r.getCommit(), r.getReadRound());
            }
            case HEARTBEAT_RESPONSE -> {
                io.raftkv.grpc.proto.HeartbeatResponse r = p.getHeartbeatResponse();
                PeerHeader h = r.getHeader();
                yield new HeartbeatResponse(h.getFrom(), h.getTo(), h.getTerm(), r.getReadRound(), r.getLastIndex());
            }
            case VOTE -> decode(p.getVote());
            case VOTE_RESPONSE -> {
                io.raftkv.grpc.proto.VoteResponse r = p.getVoteResponse();
                PeerHeader h = r.getHeader();
                yield new VoteResponse(h.getFrom(), h.getTo(), h.getTerm(), r.getPreVote(), r.getGranted());
            }
            case SNAPSHOT -> decode(p.getSnapshot());
            case SNAPSHOT_RESPONSE -> {
                io.raftkv.grpc.proto.SnapshotResponse r = p.getSnapshotResponse();
                PeerHeader h = r.getHeader();
                yield new SnapshotResponse(h.getFrom(), h.getTo(), h.getTerm(), r.getSnapshotIndex(),
                        r.getNextOffset(), r.getDone());
            }
            case TIMEOUT_NOW -> decode(p.getTimeoutNow());
            case READ_INDEX -> {
                io.raftkv.grpc.proto.ReadIndexRequest r = p.getReadIndex();
                PeerHeader h = r.getHeader();
                yield new ReadIndexRequest(h.getFrom(), h.getTo(), h.getTerm(), r.getRequestId());
            }
            case READ_INDEX_RESPONSE -> {
                io.raftkv.grpc.proto.ReadIndexResponse r = p.getReadIndexResponse();
                PeerHeader h = r.getHeader();
                yield new ReadIndexResponse(h.getFrom(), h.getTo(), h.getTerm(), r.getRequestId(), r.getIndex(),
                        r.getOk());
            }
            case KIND_NOT_SET -> throw new IllegalArgumentException("peer message without a kind");
        };
    }

    public static VoteRequest decode(io.raftkv.grpc.proto.VoteRequest v) {
        PeerHeader h = v.getHeader();
        return new VoteRequest(h.getFrom(), h.getTo(), h.getTerm(), v.getLastLogIndex(), v.getLastLogTerm(),
                v.getPreVote(), v.getTransfer());
    }

    public static TimeoutNow decode(TimeoutNowRequest t) {
        PeerHeader h = t.getHeader();
        return new TimeoutNow(h.getFrom(), h.getTo(), h.getTerm());
    }

    public static TimeoutNowRequest encodeTimeoutNow(TimeoutNow t) {
        return TimeoutNowRequest.newBuilder().setHeader(header(t)).build();
    }

    public static InstallSnapshot decode(InstallSnapshotChunk c) {
        PeerHeader h = c.getHeader();
        return new InstallSnapshot(h.getFrom(), h.getTo(), h.getTerm(), decode(c.getMeta()), c.getOffset(),
                c.getData().toByteArray(), c.getDone());
    }

    static LogEntry encode(Entry e) {
        return LogEntry.newBuilder().setIndex(e.index()).setTerm(e.term()).setType(switch (e.type()) {
            case NORMAL -> io.raftkv.grpc.proto.EntryType.NORMAL;
            case NOOP -> io.raftkv.grpc.proto.EntryType.NOOP;
            case MEMBERSHIP -> io.raftkv.grpc.proto.EntryType.MEMBERSHIP;
        }).setData(e.data().length == 0 ? ByteString.EMPTY : UnsafeByteOperations.unsafeWrap(e.data())).build();
    }

    static Entry decode(LogEntry e) {
        EntryType type = switch (e.getType()) {
            case NORMAL -> EntryType.NORMAL;
            case NOOP -> EntryType.NOOP;
            case MEMBERSHIP -> EntryType.MEMBERSHIP;
            case UNRECOGNIZED -> throw new IllegalArgumentException("unknown entry type " + e.getTypeValue());
        };
        return new Entry(e.getIndex(), e.getTerm(), type, e.getData().toByteArray());
    }

    public static SnapshotMetaProto encode(SnapshotMeta m) {
        return SnapshotMetaProto.newBuilder().setIndex(m.index()).setTerm(m.term())
                .setMembership(encode(m.membership())).setSizeBytes(m.sizeBytes()).build();
    }

    public static SnapshotMeta decode(SnapshotMetaProto m) {
        return new SnapshotMeta(m.getIndex(), m.getTerm(), decode(m.getMembership()), m.getSizeBytes());
    }

    static MembershipProto encode(Membership m) {
        return MembershipProto.newBuilder().addAllVoters(m.voters()).addAllLearners(m.learners())
                .addAllRetired(m.retired()).build();
    }

    static Membership decode(MembershipProto m) {
        return new Membership(new HashSet<>(m.getVotersList()), new HashSet<>(m.getLearnersList()),
                new HashSet<>(m.getRetiredList()));
    }

    private static PeerHeader header(Message m) {
        return PeerHeader.newBuilder().setFrom(m.from()).setTo(m.to()).setTerm(m.term()).build();
    }
}
