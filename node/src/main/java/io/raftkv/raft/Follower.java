package io.raftkv.raft;

import io.raftkv.raft.message.AppendEntries;
import io.raftkv.raft.message.AppendResponse;
import io.raftkv.raft.message.Heartbeat;
import io.raftkv.raft.message.HeartbeatResponse;
import io.raftkv.raft.message.InstallSnapshot;
import io.raftkv.raft.message.SnapshotResponse;

import java.util.List;
import java.util.function.Consumer;

/**
 * What a follower does with its leader's messages (already accepted as from the leader of its term): the
 * AppendEntries consistency check and log repair (§5.3), heartbeats (§5.2) and receiving a snapshot in chunks
 * (§7). Answers that vouch for durable state leave only after the Ready is persisted (Figure 2).
 */
final class Follower {
    private final long self;
    private final RaftLog log;
    private final ConfigHistory configs;
    private final Outbox out;
    private final SnapshotReceiver receiver = new SnapshotReceiver();
    private final Consumer<SnapshotMeta> installed;

    /** {@code installed} is told of every snapshot that replaced the log. */
    Follower(long self, RaftLog log, ConfigHistory configs, Outbox out, Consumer<SnapshotMeta> installed) {
        this.self = self;
        this.log = log;
        this.configs = configs;
        this.out = out;
        this.installed = installed;
    }

    /** Returns false if the message had to be dropped (it would overwrite a committed entry). */
    boolean onAppendEntries(AppendEntries m, long term) {
        long prevIndex = m.prevIndex();
        long prevTerm = m.prevTerm();
        List<Entry> entries = m.entries();
        long committed = log.committed();
        if (prevIndex < committed) {
            // Entries up to our commit index are identical in every log (Log Matching + Leader Completeness),
            // so skip them and continue from our commit point.
            int skip = (int) Math.min(entries.size(), committed - prevIndex);
            entries = entries.subList(skip, entries.size());
            prevIndex = committed;
            prevTerm = log.term(committed);
            if (entries.isEmpty()) {
                out.sendAfterPersist(new AppendResponse(self, m.from(), term, true, committed, 0, 0, m.readRound()));
                return true;
            }
        }
        if (!log.matchTerm(prevIndex, prevTerm)) {
            // §5.3 consistency check failed. Hint the leader to skip the whole conflicting term.
            long hintIndex = log.findConflictByTerm(Math.min(prevIndex, log.lastIndex()), prevTerm);
            long hintTerm = Math.max(0, log.term(hintIndex));
            out.sendAfterPersist(new AppendResponse(self, m.from(), term, false, m.prevIndex(), hintIndex, hintTerm,
                    m.readRound()));
            return true;
        }
        long lastNew = prevIndex + entries.size();
        long conflict = log.findConflict(entries);
        if (conflict != 0) {
            if (conflict <= committed) {
                return false; // would overwrite a committed entry: impossible from a legitimate leader
            }
            if (conflict <= log.lastIndex()) {
                // §5.3: delete the conflicting entry and all that follow it, with their configurations.
                log.truncateFrom(conflict);
                configs.truncatedFrom(conflict);
            }
            for (Entry e : entries.subList((int) (conflict - prevIndex - 1), entries.size())) {
                log.append(e);
                if (e.type() == EntryType.MEMBERSHIP) {
                    configs.appended(e.index(), Membership.decode(e.data())); // in force at once (thesis §4.1)
                }
            }
        }
        // Figure 2: commitIndex = min(leaderCommit, index of last new entry).
        log.commitTo(Math.min(m.commit(), lastNew));
        out.sendAfterPersist(new AppendResponse(self, m.from(), term, true, lastNew, 0, 0, m.readRound()));
        return true;
    }

    void onHeartbeat(Heartbeat m, long term) {
        log.commitTo(Math.min(m.commit(), log.lastIndex()));
        out.send(new HeartbeatResponse(self, m.from(), term, m.readRound(), log.lastIndex()));
    }

    /** Returns false if the message had to be dropped (the chunks did not add up to the snapshot's size). */
    boolean onInstallSnapshot(InstallSnapshot m, long term) {
        SnapshotMeta meta = m.meta();
        if (meta.index() <= log.committed() || log.matchTerm(meta.index(), meta.term())) {
            // We already hold what it covers: its last entry is in our log, so by Log Matching the whole
            // prefix is identical, and the leader says it is committed.
            log.commitTo(Math.min(meta.index(), log.lastIndex()));
            receiver.reset();
            out.sendAfterPersist(new SnapshotResponse(self, m.from(), term, meta.index(), meta.sizeBytes(), true));
            return true;
        }
        if (m.offset() == 0) {
            receiver.begin(meta);
        } else if (!receiver.isReceiving(meta) || m.offset() != receiver.expectedOffset()) {
            long expected = receiver.isReceiving(meta) ? receiver.expectedOffset() : 0;
            out.send(new SnapshotResponse(self, m.from(), term, meta.index(), expected, false));
            return true;
        }
        out.persistSnapshotChunk(m);
        receiver.accepted(m.data().length);
        if (!m.done()) {
            out.sendAfterPersist(new SnapshotResponse(self, m.from(), term, meta.index(), receiver.expectedOffset(),
                    false));
            return true;
        }
        if (receiver.expectedOffset() != meta.sizeBytes()) {
            receiver.reset();
            out.send(new SnapshotResponse(self, m.from(), term, meta.index(), 0, false));
            return false;
        }
        receiver.reset();
        // §7: discard the entire log; the snapshot replaces it.
        log.restore(meta);
        configs.restored(meta);
        out.installSnapshot(meta);
        installed.accept(meta);
        out.sendAfterPersist(new SnapshotResponse(self, m.from(), term, meta.index(), meta.sizeBytes(), true));
        return true;
    }
}
