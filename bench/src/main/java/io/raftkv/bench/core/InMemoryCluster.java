package io.raftkv.bench.core;

import io.raftkv.raft.Entry;
import io.raftkv.raft.Membership;
import io.raftkv.raft.RaftConfig;
import io.raftkv.raft.RaftNode;
import io.raftkv.raft.Ready;
import io.raftkv.raft.RecoveredState;
import io.raftkv.raft.Role;
import io.raftkv.raft.SnapshotReader;
import io.raftkv.raft.message.Message;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Nodes 1..n on one thread with instant "persistence" and direct message delivery: measures the core alone,
 * with no I/O, so that the figure is an upper bound the server's other parts must not lower.
 */
final class InMemoryCluster {
    private final RaftNode[] nodes;
    private final ArrayDeque<Message> wire = new ArrayDeque<>();
    private long appliedOnLeader;

    InMemoryCluster(int size) {
        Set<Long> voters = new TreeSet<>();
        for (long id = 1; id <= size; id++) {
            voters.add(id);
        }
        nodes = new RaftNode[size + 1];
        for (int id = 1; id <= size; id++) {
            nodes[id] = RaftNode.start(RaftConfig.defaults(id, 42 + id),
                    RecoveredState.bootstrap(Membership.ofVoters(voters)), SnapshotReader.NONE);
        }
        while (leader() == null) {
            for (int id = 1; id <= size; id++) {
                nodes[id].tick();
            }
            pump();
        }
    }

    RaftNode leader() {
        for (int id = 1; id < nodes.length; id++) {
            if (nodes[id].role() == Role.LEADER) {
                return nodes[id];
            }
        }
        return null;
    }

    long appliedOnLeader() {
        return appliedOnLeader;
    }

    /** Runs every node's Ready cycle and delivers messages until nothing is left to do. */
    void pump() {
        boolean busy = true;
        while (busy) {
            busy = false;
            for (int id = 1; id < nodes.length; id++) {
                RaftNode n = nodes[id];
                while (n.hasReady()) {
                    busy = true;
                    Ready r = n.ready();
                    wire.addAll(r.messages());
                    n.persisted(r);
                    wire.addAll(r.messagesAfterPersist());
                    List<Entry> committed = r.committedEntries();
                    if (!committed.isEmpty()) {
                        long last = committed.get(committed.size() - 1).index();
                        n.applied(last);
                        if (n.role() == Role.LEADER) {
                            appliedOnLeader += committed.size();
                        }
                    }
                }
            }
            Message m;
            while ((m = wire.poll()) != null) {
                busy = true;
                nodes[(int) m.to()].step(m);
            }
        }
    }
}
