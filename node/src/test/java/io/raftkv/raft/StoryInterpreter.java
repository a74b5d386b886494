package io.raftkv.raft;

import io.raftkv.raft.message.InstallSnapshot;
import io.raftkv.raft.message.Message;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Runs the commands of a story (see {@link StoriesTest}) against real {@link RaftNode}s driven by hand: storage is
 * instant, messages wait on the wire until delivered, and every Ready handled, message delivered or dropped and
 * change of a node's role, term or leader is written to the output. The state machine is the list of applied
 * commands; its snapshot is that list, one command per line.
 */
final class StoryInterpreter {
    private final Map<Long, RaftNode> nodes = new TreeMap<>();
    private final Map<Long, List<String>> applied = new HashMap<>();
    private final Map<Long, byte[]> snapshotData = new HashMap<>();
    private final Map<Long, ByteArrayOutputStream> receiving = new HashMap<>();
    private final Map<Long, String> lastState = new HashMap<>();
    private final List<Message> wire = new ArrayList<>();
    /** Pairs of nodes that cannot talk ("a-b" with a < b). */
    private final Set<String> cut = new HashSet<>();
    private StringBuilder out;

    /** Runs one command and returns what it printed ("ok" if nothing). */
    String run(String command, List<String> args) {
        out = new StringBuilder();
        switch (command) {
            case "add-nodes" -> addNodes(args);
            case "campaign" -> campaign(id(args, 0));
            case "tick" -> tick(id(args, 0), Integer.parseInt(args.get(1)));
            case "tick-heartbeat" -> tick(id(args, 0), 1); // the default heartbeat interval
            case "tick-election" -> tick(id(args, 0), 10); // the default election timeout
            case "process-ready" -> forEachId(args, this::processReady);
            case "deliver-msgs" -> forEachId(args, this::deliver);
            case "stabilize" -> stabilize();
            case "propose" -> print("" + node(id(args, 0)).propose(args.get(1).getBytes(StandardCharsets.UTF_8)));
            case "propose-conf-change" -> proposeConfChange(id(args, 0), args.get(1), Long.parseLong(args.get(2)));
            case "transfer-leader" -> print("" + node(id(args, 0)).transferLeadership(Long.parseLong(args.get(1))));
            case "step-down" -> print("stepped down: " + node(id(args, 0)).stepDown());
            case "read-index" -> node(id(args, 0)).readIndex(Long.parseLong(args.get(1)));
            case "partition" -> partition(args);
            case "heal" -> cut.clear();
            case "status" -> forEachId(args, this::status);
            case "log" -> forEachId(args, this::log);
            case "compact" -> compact(id(args, 0), Long.parseLong(args.get(1)));
            default -> throw new IllegalArgumentException("unknown command: " + command);
        }
        noteStateChanges();
        String text = out.toString();
        return text.isEmpty() ? "ok\n" : text;
    }

    // ------------------------------------------------------------------------------------------ commands

    /**
     * {@code add-nodes N [voters=1,2,3] [learners=4] [joining] [prevote=false] [checkquorum=false]
     * [maxmsg=4096]}: adds N nodes numbered after the existing ones, bootstrapped with that configuration, or
     * knowing no configuration ({@code joining}) to be added by a leader.
     */
    private void addNodes(List<String> args) {
        int count = Integer.parseInt(args.get(0));
        Map<String, String> opts = options(args.subList(1, args.size()));
        RecoveredState state = opts.containsKey("joining") ? RecoveredState.joining()
                : RecoveredState.bootstrap(new Membership(idSet(opts.get("voters")), idSet(opts.get("learners")),
                Set.of()));
        long first = nodes.isEmpty() ? 1 : ((TreeMap<Long, RaftNode>) nodes).lastKey() + 1;
        for (long id = first; id < first + count; id++) {
            RaftConfig cfg = RaftConfig.defaults(id, 1000 + id)
                    .withMessageLimits(Integer.parseInt(opts.getOrDefault("maxmsg", "4096")), 8, 1 << 20, 1 << 20)
                    .withPreVoteAndCheckQuorum(!"false".equals(opts.get("prevote")),
                            !"false".equals(opts.get("checkquorum")));
            long self = id;
            nodes.put(id, RaftNode.start(cfg, state, (meta, offset, max) -> {
                byte[] all = snapshotData.get(self);
                int len = (int) Math.min(max, all.length - offset);
                byte[] chunk = new byte[len];
                System.arraycopy(all, (int) offset, chunk, 0, len);
                return chunk;
            }));
            applied.put(id, new ArrayList<>());
            print("added node " + id + (opts.containsKey("joining") ? " (joining)"
                    : " with " + MessageFormat.membership(state.snapshot().membership())));
        }
    }

    /** Ticks the node until it starts a campaign (its randomized election timeout runs out). */
    private void campaign(long id) {
        RaftNode n = node(id);
        int ticks = 0;
        while (n.role() == Role.FOLLOWER && ticks < 100) {
            n.tick();
            ticks++;
        }
        print("ticked " + id + " " + ticks + " times");
    }

    private void tick(long id, int times) {
        for (int i = 0; i < times; i++) {
            node(id).tick();
            noteStateChanges();
        }
    }

    private void proposeConfChange(long id, String kind, long target) {
        MembershipChange change = switch (kind) {
            case "add-learner" -> MembershipChange.addLearner(target);
            case "promote" -> MembershipChange.promote(target);
            case "remove" -> MembershipChange.remove(target);
            default -> throw new IllegalArgumentException("unknown change " + kind);
        };
        print("" + node(id).proposeMembership(change));
    }

    /** {@code partition 1 2,3}: nodes in different groups cannot talk until {@code heal}. */
    private void partition(List<String> groups) {
        cut.clear();
        List<Set<Long>> sets = new ArrayList<>();
        for (String g : groups) {
            sets.add(idSet(g));
        }
        for (int i = 0; i < sets.size(); i++) {
            for (int j = i + 1; j < sets.size(); j++) {
                for (long a : sets.get(i)) {
                    for (long b : sets.get(j)) {
                        cut.add(link(a, b));
                    }
                }
            }
        }
    }

    /** Takes a snapshot of the node's state machine at {@code index} and compacts its log through it. */
    private void compact(long id, long index) {
        RaftNode n = node(id);
        SnapshotMeta meta = n.snapshotMetaFor(index);
        byte[] data = String.join("\n", applied.get(id).subList(0, (int) index)).getBytes(StandardCharsets.UTF_8);
        snapshotData.put(id, data);
        n.compact(new SnapshotMeta(meta.index(), meta.term(), meta.membership(), data.length), 0);
        print("snapshot " + meta.index() + "@t" + meta.term() + " of " + data.length + " bytes; log starts at "
                + n.firstIndex());
    }

    private void status(long id) {
        NodeStatus s = node(id).status();
        print(id + ": " + s.role() + " term=" + s.term() + " leader=" + s.leader() + " commit=" + s.commitIndex()
                + " applied=" + s.appliedIndex() + " last=" + s.lastIndex() + " " + MessageFormat.membership(
                s.membership()) + (s.membershipCommitted() ? "" : " (uncommitted)"));
        s.progress().forEach((peer, p) -> print("  " + peer + ": " + p.state() + " match=" + p.matchIndex()
                + " next=" + p.nextIndex() + (p.recentlyActive() ? "" : " inactive")));
    }

    private void log(long id) {
        RaftNode n = node(id);
        List<Entry> entries = new ArrayList<>();
        for (long i = n.firstIndex(); i <= n.lastIndex(); i++) {
            entries.add(n.entryAt(i));
        }
        print(id + ": " + (entries.isEmpty() ? "empty log" : MessageFormat.entries(entries))
                + " commit=" + n.commitIndex());
    }

    // ------------------------------------------------------------------------------------------ the Ready loop

    /** Until nothing changes: every node handles its Readys, then every node gets the messages sent to it. */
    private void stabilize() {
        for (int round = 0; round < 1000; round++) {
            boolean any = false;
            for (long id : nodes.keySet()) {
                any |= processReady(id);
            }
            for (long id : nodes.keySet()) {
                any |= deliver(id);
            }
            if (!any) {
                return;
            }
        }
        throw new AssertionError("the cluster did not stabilize within 1000 rounds");
    }

    /** Handles the node's Ready as the contract says, with instant storage. Returns whether there was one. */
    private boolean processReady(long id) {
        RaftNode n = node(id);
        if (!n.hasReady()) {
            return false;
        }
        Ready r = n.ready();
        print("> " + id + " handling Ready");
        if (r.hardState() != null) {
            print("  HardState term=" + r.hardState().term() + " vote=" + r.hardState().vote() + " commit="
                    + r.hardState().commit());
        }
        for (InstallSnapshot c : r.snapshotChunks()) {
            ByteArrayOutputStream buf = receiving.computeIfAbsent(id, k -> new ByteArrayOutputStream());
            if (c.offset() == 0) {
                buf.reset();
            }
            buf.writeBytes(c.data());
            print("  SnapshotChunk of " + c.meta().index() + "@t" + c.meta().term() + " offset=" + c.offset()
                    + " bytes=" + c.data().length);
        }
        if (r.snapshot() != null) {
            byte[] data = receiving.remove(id).toByteArray();
            snapshotData.put(id, data);
            List<String> restored = applied.get(id);
            restored.clear();
            String text = new String(data, StandardCharsets.UTF_8);
            if (!text.isEmpty()) {
                restored.addAll(List.of(text.split("\n", -1)));
            }
            print("  Snapshot " + r.snapshot().index() + "@t" + r.snapshot().term() + " "
                    + MessageFormat.membership(r.snapshot().membership()) + " (restored " + restored.size()
                    + " applied commands)");
        }
        if (!r.entries().isEmpty()) {
            print("  Entries: " + MessageFormat.entries(r.entries()));
        }
        send("  Messages:", r.messages());
        n.persisted(r);
        send("  After persisting:", r.messagesAfterPersist());
        if (r.snapshot() != null) {
            n.applied(r.snapshot().index());
        }
        if (!r.committedEntries().isEmpty()) {
            print("  Apply: " + MessageFormat.entries(r.committedEntries()));
            for (Entry e : r.committedEntries()) {
                applied.get(id).add(e.type() == EntryType.NORMAL ? new String(e.data(), StandardCharsets.UTF_8)
                        : e.type().name().toLowerCase());
                n.applied(e.index());
            }
        }
        for (ReadState rs : r.readStates()) {
            print("  ReadState id=" + rs.requestId() + " index=" + rs.index() + " " + rs.status()
                    + " leader=" + rs.leaderHint());
        }
        noteStateChanges();
        return true;
    }

    /** Puts messages on the wire; those across a cut are lost at once (and marked so). */
    private void send(String title, List<Message> messages) {
        if (!messages.isEmpty()) {
            print(title);
        }
        for (Message m : messages) {
            boolean lost = cut.contains(link(m.from(), m.to()));
            print("    " + MessageFormat.format(m) + (lost ? " (lost: partitioned)" : ""));
            if (!lost) {
                wire.add(m);
            }
        }
    }

    /** Delivers, in order, every message on the wire addressed to the node (dropping those across a cut). */
    private boolean deliver(long id) {
        List<Message> batch = new ArrayList<>();
        for (Iterator<Message> it = wire.iterator(); it.hasNext(); ) {
            Message m = it.next();
            if (m.to() == id) {
                batch.add(m);
                it.remove();
            }
        }
        for (Message m : batch) {
            RaftNode to = nodes.get(m.to());
            if (to == null || cut.contains(link(m.from(), m.to()))) {
                print("  dropped " + MessageFormat.format(m));
                continue;
            }
            print("> " + id + " receiving " + MessageFormat.format(m));
            to.step(m);
            noteStateChanges();
        }
        return !batch.isEmpty();
    }

    /** Prints each node whose role, term or leader changed since it was last printed. */
    private void noteStateChanges() {
        for (RaftNode n : nodes.values()) {
            String state = n.role() + " term=" + n.term() + " leader=" + n.leader();
            String before = lastState.put(n.id(), state);
            if (before != null && !before.equals(state)) {
                print("  " + n.id() + " is now " + state);
            }
        }
    }

    // ------------------------------------------------------------------------------------------ helpers

    private RaftNode node(long id) {
        RaftNode n = nodes.get(id);
        if (n == null) {
            throw new IllegalArgumentException("no node " + id);
        }
        return n;
    }

    private void print(String line) {
        out.append(line).append('\n');
    }

    private void forEachId(List<String> args, java.util.function.LongConsumer action) {
        for (long id : args.isEmpty() ? nodes.keySet() : ids(args)) {
            action.accept(id);
        }
    }

    private static Set<Long> ids(List<String> args) {
        Set<Long> out = new TreeSet<>();
        args.forEach(a -> out.add(Long.parseLong(a)));
        return out;
    }

    private static long id(List<String> args, int position) {
        return Long.parseLong(args.get(position));
    }

    private static Set<Long> idSet(String csv) {
        Set<Long> out = new TreeSet<>();
        if (csv != null && !csv.isEmpty()) {
            for (String s : csv.split(",")) {
                out.add(Long.parseLong(s.trim()));
            }
        }
        return out;
    }

    private static Map<String, String> options(List<String> args) {
        Map<String, String> out = new HashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            out.put(eq < 0 ? a : a.substring(0, eq), eq < 0 ? "" : a.substring(eq + 1));
        }
        return out;
    }

    private static String link(long a, long b) {
        return Math.min(a, b) + "-" + Math.max(a, b);
    }
}
