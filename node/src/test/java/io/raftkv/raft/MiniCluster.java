package io.raftkv.raft;

import io.raftkv.raft.message.Message;

import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

/**
 * A tiny synchronous harness for unit tests of the core: instant persistence, FIFO delivery, optional
 * isolation of nodes. (The fault-injecting simulator lives in io.raftkv.sim.)
 */
final class MiniCluster {
    final Map<Long, RaftNode> nodes = new TreeMap<>();
    final Map<Long, List<Entry>> applied = new HashMap<>();
    final Map<Long, Map<Long, ReadState>> reads = new HashMap<>();
    final Map<Long, byte[]> snapshotBytes = new HashMap<>();
    final Set<Long> isolated = new HashSet<>();
    final Map<Long, ByteArrayOutputStream> receiving = new HashMap<>();
    final ArrayDeque<Message> wire = new ArrayDeque<>();
    /** Messages matching this are lost on the wire. */
    java.util.function.Predicate<Message> drop = m -> false;
    long delivered;

    /** Changes the default test configuration of every node added. */
    private final java.util.function.UnaryOperator<RaftConfig> tweak;

    MiniCluster(long... ids) {
        this(c -> c, ids);
    }

    MiniCluster(java.util.function.UnaryOperator<RaftConfig> tweak, long... ids) {
        this.tweak = tweak;
        Set<Long> voters = new HashSet<>();
        for (long id : ids) {
            voters.add(id);
        }
        for (long id : ids) {
            add(id, RecoveredState.bootstrap(Membership.ofVoters(voters)));
        }
    }

    RaftNode add(long id, RecoveredState state) {
        RaftConfig cfg = tweak.apply(RaftConfig.defaults(id, 1000 + id).withMessageLimits(4096, 8, 1 << 20, 1 << 20));
        RaftNode n = RaftNode.start(cfg, state, (meta, offset, max) -> {
            byte[] all = snapshotBytes.get(id);
            int len = (int) Math.min(max, all.length - offset);
            byte[] out = new byte[len];
            System.arraycopy(all, (int) offset, out, 0, len);
            return out;
        });
        nodes.put(id, n);
        applied.put(id, new ArrayList<>());
        reads.put(id, new HashMap<>());
        return n;
    }

    RaftNode node(long id) {
        return nodes.get(id);
    }

    /** Processes every node's Ready and delivers messages until the system is quiet. */
    void stabilize() {
        for (int round = 0; round < 10_000; round++) {
            boolean any = false;
            for (RaftNode n : nodes.values()) {
                while (n.hasReady()) {
                    any = true;
                    process(n);
                }
            }
            while (!wire.isEmpty()) {
                any = true;
                Message m = wire.poll();
                RaftNode to = nodes.get(m.to());
                if (to != null && !isolated.contains(m.to()) && !isolated.contains(m.from()) && !drop.test(m)) {
                    delivered++;
                    to.step(m);
                }
            }
            if (!any) {
                return;
            }
        }
        throw new AssertionError("cluster did not stabilize");
    }

    private void process(RaftNode n) {
        Ready r = n.ready();
        wire.addAll(r.messages());
        for (var c : r.snapshotChunks()) {
            ByteArrayOutputStream out = receiving.computeIfAbsent(n.id(), k -> new ByteArrayOutputStream());
            if (c.offset() == 0) {
                out.reset();
            }
            out.writeBytes(c.data());
        }
        if (r.snapshot() != null) {
            snapshotBytes.put(n.id(), receiving.remove(n.id()).toByteArray());
            n.applied(r.snapshot().index());
            List<Entry> list = applied.get(n.id());
            list.clear();
            for (int i = 0; i < r.snapshot().index(); i++) {
                list.add(null); // state before the snapshot is opaque here
            }
        }
        n.persisted(r);
        wire.addAll(r.messagesAfterPersist());
        for (Entry e : r.committedEntries()) {
            applied.get(n.id()).add(e);
            n.applied(e.index());
        }
        for (ReadState rs : r.readStates()) {
            reads.get(n.id()).put(rs.requestId(), rs);
        }
    }

    void tick(int times) {
        for (int i = 0; i < times; i++) {
            for (long id : nodes.keySet()) {
                nodes.get(id).tick();
            }
            stabilize();
        }
    }

    /** Ticks until {@code cond} holds, failing after {@code maxTicks}. */
    void tickUntil(BooleanSupplier cond, int maxTicks) {
        for (int i = 0; i < maxTicks && !cond.getAsBoolean(); i++) {
            tick(1);
        }
        if (!cond.getAsBoolean()) {
            throw new AssertionError("condition not reached within " + maxTicks + " ticks");
        }
    }

    long leader() {
        long found = RaftNode.NONE;
        long bestTerm = -1;
        for (RaftNode n : nodes.values()) {
            if (n.role() == Role.LEADER && !isolated.contains(n.id()) && n.term() > bestTerm) {
                found = n.id();
                bestTerm = n.term();
            }
        }
        return found;
    }

    long electLeader() {
        tickUntil(() -> leader() != RaftNode.NONE, 200);
        return leader();
    }

    /** Normal entries applied by node {@code id}, as strings. */
    List<String> appliedCommands(long id) {
        List<String> out = new ArrayList<>();
        for (Entry e : applied.get(id)) {
            if (e != null && e.type() == EntryType.NORMAL) {
                out.add(new String(e.data()));
            }
        }
        return out;
    }
}
