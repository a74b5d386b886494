package io.raftkv.raft;

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

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.StringJoiner;

/** One short line per message, entry or membership for story transcripts: {@code 1->2 Kind term=3 ...}. */
final class MessageFormat implements Message.Visitor<String> {
    static final MessageFormat INSTANCE = new MessageFormat();

    static String format(Message m) {
        return m.from() + "->" + m.to() + " " + m.getClass().getSimpleName() + " term=" + m.term()
                + m.accept(INSTANCE);
    }

    /** {@code index@tTerm} followed by the content: {@code noop}, the command in quotes, or the configuration. */
    static String entry(Entry e) {
        String head = e.index() + "@t" + e.term();
        return switch (e.type()) {
            case NOOP -> head + " noop";
            case NORMAL -> head + " \"" + new String(e.data(), StandardCharsets.UTF_8) + "\"";
            case MEMBERSHIP -> head + " config " + membership(Membership.decode(e.data()));
        };
    }

    static String entries(List<Entry> entries) {
        StringJoiner j = new StringJoiner(", ", "[", "]");
        entries.forEach(e -> j.add(entry(e)));
        return j.toString();
    }

    static String membership(Membership m) {
        return "voters=" + ids(m.voters()) + (m.learners().isEmpty() ? "" : " learners=" + ids(m.learners()))
                + (m.retired().isEmpty() ? "" : " retired=" + ids(m.retired()));
    }

    private static String ids(java.util.Set<Long> ids) {
        StringJoiner j = new StringJoiner(",", "(", ")");
        ids.forEach(id -> j.add(Long.toString(id)));
        return j.toString();
    }

    @Override
    public String onVoteRequest(VoteRequest m) {
        return " last=" + m.lastLogIndex() + "@t" + m.lastLogTerm() + (m.preVote() ? " pre-vote" : "")
                + (m.transfer() ? " transfer" : "");
    }

    @Override
    public String onVoteResponse(VoteResponse m) {
        return (m.granted() ? " granted" : " rejected") + (m.preVote() ? " pre-vote" : "");
    }

    @Override
    public String onAppendEntries(AppendEntries m) {
        return " prev=" + m.prevIndex() + "@t" + m.prevTerm() + " commit=" + m.commit() + " round=" + m.readRound()
                + " entries=" + entries(m.entries());
    }

    @Override
    public String onAppendResponse(AppendResponse m) {
        return m.success() ? " ok index=" + m.index() + " round=" + m.readRound()
                : " rejected prev=" + m.index() + " hint=" + m.hintIndex() + "@t" + m.hintTerm();
    }

    @Override
    public String onHeartbeat(Heartbeat m) {
        return " commit=" + m.commit() + " round=" + m.readRound();
    }

    @Override
    public String onHeartbeatResponse(HeartbeatResponse m) {
        return " round=" + m.readRound() + " last=" + m.lastIndex();
    }

    @Override
    public String onInstallSnapshot(InstallSnapshot m) {
        return " snapshot=" + m.meta().index() + "@t" + m.meta().term() + " size=" + m.meta().sizeBytes()
                + " offset=" + m.offset() + " bytes=" + m.data().length + (m.done() ? " done" : "");
    }

    @Override
    public String onSnapshotResponse(SnapshotResponse m) {
        return " snapshot=" + m.snapshotIndex() + " next=" + m.nextOffset() + (m.done() ? " done" : "");
    }

    @Override
    public String onTimeoutNow(TimeoutNow m) {
        return "";
    }

    @Override
    public String onReadIndexRequest(ReadIndexRequest m) {
        return " id=" + m.requestId();
    }

    @Override
    public String onReadIndexResponse(ReadIndexResponse m) {
        return " id=" + m.requestId() + " index=" + m.index() + (m.ok() ? " ok" : " refused");
    }
}
