package io.raftkv.sim;

import io.raftkv.raft.Membership;
import io.raftkv.raft.MembershipChange;
import io.raftkv.raft.ProposeResult;
import io.raftkv.raft.Role;
import io.raftkv.raft.TransferResult;
import io.raftkv.raft.message.Message;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * A simulated Raft cluster: N {@link SimNode}s on a {@link SimNetwork}, driven by one {@link EventQueue} and one
 * seeded random source, so that a seed determines the whole run. Every event is one step; the nodes it touches
 * are checked against the {@link Invariants} before the next step runs.
 *
 * <p>The methods read as a small language for scenarios: {@code cluster.partition(1).from(2, 3)},
 * {@code cluster.runUntil(cluster::hasLeader, 50, "a leader")}, {@code cluster.crash(2)}, {@code cluster.heal()}.
 */
final class Cluster {

    private final long seed;
    private final SimSettings settings;
    private final SplittableRandom random;
    private final EventQueue queue = new EventQueue();
    private final Invariants invariants = new Invariants();
    private final Trace trace = new Trace(Integer.getInteger("sim.traceLines", 60));
    private final SimNetwork network;
    private final TreeMap<Long, SimNode> nodes = new TreeMap<>();
    private long nextNodeId;
    private long steps;
    /** A hash of every event run so far: two runs of one seed must end with the same value. */
    private long fingerprint;
    private java.util.function.Consumer<EventQueue.Event> stepListener;
    private long commandCounter;

    Cluster(long seed, int voters, SimSettings settings) {
        this.seed = seed;
        this.settings = settings;
        this.random = new SplittableRandom(seed);
        this.network = new SimNetwork(random, queue::now, this::deliverLater, settings.minNetDelay(),
                settings.maxNetDelay());
        Set<Long> ids = new TreeSet<>();
        for (long id = 1; id <= voters; id++) {
            ids.add(id);
        }
        Membership initial = Membership.ofVoters(ids);
        for (long id : ids) {
            nodes.put(id, new SimNode(id, this, initial, settings.raftFor(id, random.nextLong())));
        }
        nextNodeId = voters + 1;
    }

    /** Boots every node of the initial configuration. */
    Cluster start() {
        for (SimNode n : nodes.values()) {
            n.start();
        }
        return this;
    }

    // ------------------------------------------------------------------ running

    /** Runs one event; returns false if nothing is scheduled. */
    boolean step() {
        EventQueue.Event e = queue.poll();
        if (e == null) {
            return false;
        }
        steps++;
        trace.record(steps, e.time(), e.kind(), e.node(), e.detail());
        fingerprint = HashChain.mix(fingerprint * 31 + e.time() * 17 + e.kind().hashCode() * 7L + e.node());
        if (e.detail() instanceof Message m) {
            fingerprint = HashChain.mix(fingerprint + m.getClass().getSimpleName().hashCode() * 31L + m.from() * 7
                    + m.to() * 3 + m.term());
        }
        e.action().run();
        if (stepListener != null) {
            stepListener.accept(e);
        }
        return true;
    }

    void runSteps(long n) {
        for (long i = 0; i < n && step(); i++) {
            // each step checks the nodes it touched
        }
    }

    /** Runs for {@code ticks} ticks of virtual time. */
    void runFor(int ticks) {
        long until = queue.now() + (long) ticks * settings.tickInterval();
        while (queue.nextTime() <= until) {
            step();
        }
    }

    /**
     * Runs until {@code condition} holds (checked after every step), failing with a {@link Property#LIVENESS}
     * violation if it does not within {@code maxTicks} ticks of virtual time.
     */
    void runUntil(BooleanSupplier condition, int maxTicks, String what) {
        long deadline = queue.now() + (long) maxTicks * settings.tickInterval();
        while (!condition.getAsBoolean()) {
            if (queue.nextTime() > deadline || !step()) {
                throw new InvariantViolation(Property.LIVENESS, "not reached within " + maxTicks + " ticks: " + what
                        + "; cluster: " + describe());
            }
        }
    }

    /** Runs {@code ticks} ticks, failing at once if {@code condition} ever holds. */
    void runWhileNever(BooleanSupplier condition, int ticks, String what) {
        long until = queue.now() + (long) ticks * settings.tickInterval();
        while (queue.nextTime() <= until) {
            step();
            if (condition.getAsBoolean()) {
                throw new AssertionError("happened although it must not: " + what + "; cluster: " + describe());
            }
        }
    }

    void schedule(long delay, String kind, long node, Object detail, EventQueue.Action action) {
        queue.schedule(delay, kind, node, detail, action);
    }

    private void deliverLater(long delay, Message m) {
        queue.schedule(delay, "deliver", m.to(), m, () -> {
            SimNode to = nodes.get(m.to());
            if (to != null && network.connected(m.from(), m.to())) {
                to.receive(m);
            }
        });
    }

    // ------------------------------------------------------------------ faults

    /** A set of nodes about to be separated from others. */
    final class Side {
        private final long[] ids;

        private Side(long[] ids) {
            this.ids = ids;
        }

        /** Cuts every link between this side and {@code others}, both ways (symmetric partition). */
        void from(long... others) {
            for (long a : ids) {
                for (long b : others) {
                    network.cut(a, b);
                    network.cut(b, a);
                }
            }
            note("partition " + java.util.Arrays.toString(ids) + " | " + java.util.Arrays.toString(others));
        }

        /** Cuts links from this side to {@code others} only: they no longer hear it, it still hears them. */
        void to(long... others) {
            for (long a : ids) {
                for (long b : others) {
                    network.cut(a, b);
                }
            }
            note("cut " + java.util.Arrays.toString(ids) + " -> " + java.util.Arrays.toString(others));
        }
    }

    Side partition(long... side) {
        return new Side(side);
    }

    /** One-way cut: {@code cut(1).to(2)} drops everything 1 sends to 2. */
    Side cut(long... side) {
        return new Side(side);
    }

    /** Cuts a node off from every other node, both ways. */
    void isolate(long id) {
        partition(id).from(otherIds(id));
    }

    /** Restores every link (does not restart crashed nodes or change loss rates). */
    void healLinks() {
        network.healAllLinks();
        note("links healed");
    }

    /** Ends every fault: links restored, network reliable, paused nodes resumed, crashed nodes restarted. */
    void heal() {
        network.healAllLinks();
        network.reliable(settings.minNetDelay(), settings.maxNetDelay());
        for (SimNode n : nodes.values()) {
            if (n.state() == SimNode.State.PAUSED) {
                n.resume();
            } else if (n.state() == SimNode.State.DOWN) {
                n.start();
            }
        }
        note("all healed");
    }

    void crash(long id) {
        node(id).crash();
        note("crash n" + id);
    }

    void restart(long id) {
        node(id).start();
        note("restart n" + id);
    }

    void pause(long id) {
        node(id).pause();
        note("pause n" + id);
    }

    void resume(long id) {
        node(id).resume();
        note("resume n" + id);
    }

    SimNetwork network() {
        return network;
    }

    private void note(String what) {
        trace.record(steps, queue.now(), "fault", 0, what);
    }

    // ------------------------------------------------------------------ clients

    /** Proposes a fresh command at a node; returns the tracked proposal, or null if the node refused it. */
    Proposal propose(long nodeId) {
        return propose(nodeId, nextCommand());
    }

    Proposal propose(long nodeId, byte[] command) {
        SimNode n = node(nodeId);
        ProposeResult r = n.propose(command);
        lastProposeResult = r;
        if (!r.accepted()) {
            return null;
        }
        return invariants.clients.accepted(nodeId, r.index(), r.term(), command);
    }

    private ProposeResult lastProposeResult;

    /** What the core answered to the last {@link #propose} call (for NOT_LEADER hints and refusal reasons). */
    ProposeResult lastProposeResult() {
        return lastProposeResult;
    }

    /** Proposes at the current leader; null if there is none or it refused. */
    Proposal proposeAtLeader() {
        SimNode l = leader();
        return l == null ? null : propose(l.id);
    }

    /** Issues a ReadIndex read at a node; the check happens when the core answers. */
    long read(long nodeId) {
        long requestId = invariants.clients.readIssued(nodeId, invariants.commits.maxCommit(), queue.now());
        node(nodeId).readIndex(requestId);
        return requestId;
    }

    /**
     * Asks the leader to add a brand-new node (a never-used ID) as a learner; on acceptance the new node's
     * process starts empty and waits to be contacted. Returns its ID, or 0 if there was no leader or it refused.
     */
    long addLearner() {
        SimNode l = leader();
        if (l == null) {
            return 0;
        }
        long id = nextNodeId;
        ProposeResult r = l.proposeMembership(MembershipChange.addLearner(id));
        if (!r.accepted()) {
            return 0;
        }
        nextNodeId++;
        SimNode n = new SimNode(id, this, Membership.EMPTY, settings.raftFor(id, random.nextLong()));
        nodes.put(id, n);
        n.start();
        note("add learner n" + id);
        return id;
    }

    ProposeResult changeMembership(MembershipChange change) {
        SimNode l = leader();
        if (l == null) {
            return null;
        }
        note(change.kind() + " n" + change.nodeId());
        return l.proposeMembership(change);
    }

    TransferResult transferLeadership(long target) {
        SimNode l = leader();
        if (l == null) {
            return TransferResult.NOT_LEADER;
        }
        note("transfer leadership n" + l.id + " -> n" + target);
        return l.transferLeadership(target);
    }

    /** Called when a node applies a membership: members that were removed are shut down soon after. */
    void membershipApplied(SimNode at, Membership m) {
        for (long retired : new TreeSet<>(m.retired())) { // sorted: Set.copyOf order differs per JVM
            SimNode n = nodes.get(retired);
            if (n != null && n.state() != SimNode.State.DECOMMISSIONED) {
                schedule(settings.tickInterval(), "decommission", retired, null, () -> {
                    if (n.state() != SimNode.State.DECOMMISSIONED) {
                        n.decommission();
                        note("decommission n" + retired);
                    }
                });
            }
        }
    }

    byte[] nextCommand() {
        int len = 8 + random.nextInt(25);
        ByteBuffer b = ByteBuffer.allocate(len);
        b.putLong(++commandCounter);
        while (b.hasRemaining()) {
            b.put((byte) random.nextInt(256));
        }
        return b.array();
    }

    // ------------------------------------------------------------------ observations

    SimNode node(long id) {
        SimNode n = nodes.get(id);
        if (n == null) {
            throw new IllegalArgumentException("no node " + id);
        }
        return n;
    }

    List<SimNode> nodes() {
        return new ArrayList<>(nodes.values());
    }

    long[] otherIds(long id) {
        return nodes.keySet().stream().filter(x -> x != id).mapToLong(Long::longValue).toArray();
    }

    /** The running leader with the highest term, or null. */
    SimNode leader() {
        SimNode best = null;
        for (SimNode n : nodes.values()) {
            if (n.isRunning() && n.raft().role() == Role.LEADER
                    && (best == null || n.raft().term() > best.raft().term())) {
                best = n;
            }
        }
        return best;
    }

    boolean hasLeader() {
        return leader() != null;
    }

    long leaderId() {
        SimNode l = leader();
        if (l == null) {
            throw new AssertionError("no leader; cluster: " + describe());
        }
        return l.id;
    }

    /** Leaders among the given nodes (running ones only). */
    long leadersAmong(long... ids) {
        long count = 0;
        for (long id : ids) {
            SimNode n = nodes.get(id);
            if (n != null && n.isRunning() && n.raft().role() == Role.LEADER) {
                count++;
            }
        }
        return count;
    }

    /** True if every running member (per the leader's configuration) has applied through {@code index}. */
    boolean allMembersApplied(long index) {
        SimNode l = leader();
        if (l == null) {
            return false;
        }
        for (long id : l.raft().membership().members()) {
            SimNode n = nodes.get(id);
            if (n == null || !n.isRunning() || n.appliedIndex() < index) {
                return false;
            }
        }
        return true;
    }

    /**
     * Liveness (after {@link #heal()}), within {@code maxTicks} ticks in all:
     * <ol>
     *   <li>the cluster settles by itself, with no new request: a leader exists, every entry in its log is
     *       committed, and every live member has applied all of it (entries accepted before the heal are not left
     *       hanging because some message was lost);</li>
     *   <li>a new proposal is committed and applied on every live member (a client retries at the current
     *       leader if its proposal was lost or timed out).</li>
     * </ol>
     */
    Proposal awaitLiveness(int maxTicks) {
        long deadline = queue.now() + (long) maxTicks * settings.tickInterval();
        while (!settled()) {
            if (queue.nextTime() > deadline || !step()) {
                SimNode l = leader();
                throw new InvariantViolation(Property.LIVENESS, "after healing, the cluster did not settle within "
                        + maxTicks + " ticks without new requests: " + (l == null ? "no leader"
                        : "leader n" + l.id + " has committed " + l.raft().commitIndex() + " of "
                        + l.raft().lastIndex() + " entries; members applied " + appliedByMember(l)
                        + "; leader's progress " + l.raft().status().progress())
                        + "; cluster: " + describe());
            }
        }
        Proposal p = null;
        long lastAttempt = queue.now() - settings.tickInterval();
        long clientTimeout = 2L * settings.raft().electionTicks() * settings.tickInterval();
        while (true) {
            if (p != null && p.committed() && allMembersApplied(Math.max(p.index, invariants.clients.maxAcknowledged()))) {
                return p;
            }
            SimNode l = leader();
            // A client retries when its proposal was lost, or (like a real client's timeout) when it has not
            // committed after two election timeouts: its leader may have been deposed and its entry dropped.
            boolean retry = p == null || p.outcome() == Proposal.Outcome.LOST
                    || (!p.committed() && queue.now() - lastAttempt >= clientTimeout);
            if (l != null && retry && queue.now() - lastAttempt >= settings.tickInterval()) {
                lastAttempt = queue.now();
                p = propose(l.id);
            }
            if (queue.nextTime() > deadline || !step()) {
                throw new InvariantViolation(Property.LIVENESS, "after healing, no new proposal was committed on all"
                        + " live members within " + maxTicks + " ticks (" + (p == null ? "none accepted, last refusal "
                        + lastProposeResult : p) + ", highest acknowledged index "
                        + invariants.clients.maxAcknowledged() + "); cluster: " + describe());
            }
        }
    }

    /** A leader exists, its whole log is committed, and every live member has applied all of it. */
    private boolean settled() {
        SimNode l = leader();
        return l != null && l.raft().commitIndex() == l.raft().lastIndex() && allMembersApplied(l.raft().commitIndex());
    }

    private String appliedByMember(SimNode leader) {
        StringBuilder sb = new StringBuilder("{");
        for (long id : leader.raft().membership().members()) {
            SimNode n = nodes.get(id);
            sb.append(sb.length() > 1 ? ", " : "").append("n").append(id).append("=")
                    .append(n == null ? "absent" : n.isRunning() ? Long.toString(n.appliedIndex()) : n.state());
        }
        return sb.append("}").toString();
    }

    /**
     * Runs a scripted story; if it breaks an invariant or an assertion, fails with the nodes' state and the last
     * events, so a failing scenario explains itself.
     */
    void play(Runnable story) {
        try {
            story.run();
        } catch (InvariantViolation | AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n  seed " + seed + ", step " + steps + ", time " + now()
                    + "\n  nodes: " + describe() + "\n  last events:\n" + trace.format(), e);
        }
    }

    String describe() {
        return nodes.values().stream().map(SimNode::toString).collect(Collectors.joining(", "));
    }

    Invariants invariants() {
        return invariants;
    }

    SimSettings settings() {
        return settings;
    }

    SplittableRandom random() {
        return random;
    }

    long now() {
        return queue.now();
    }

    long steps() {
        return steps;
    }

    long fingerprint() {
        return fingerprint;
    }

    /** Tells {@code listener} about every event after it ran (for transcripts). */
    void afterEachStep(java.util.function.Consumer<EventQueue.Event> listener) {
        this.stepListener = listener;
    }

    Trace trace() {
        return trace;
    }
}
