package io.raftkv.sim;

import io.raftkv.raft.Entry;
import io.raftkv.raft.EntryType;
import io.raftkv.raft.Membership;
import io.raftkv.raft.MembershipChange;
import io.raftkv.raft.ProposeResult;
import io.raftkv.raft.RaftConfig;
import io.raftkv.raft.RaftNode;
import io.raftkv.raft.Ready;
import io.raftkv.raft.ReadState;
import io.raftkv.raft.RecoveredState;
import io.raftkv.raft.Role;
import io.raftkv.raft.SnapshotMeta;
import io.raftkv.raft.TransferResult;
import io.raftkv.raft.message.Message;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * One simulated server: a {@link RaftNode} hosted the way the {@link Ready} contract says, on a {@link SimDisk}
 * whose writes take virtual time, with a {@link ChainStateMachine} as its application.
 *
 * <p>Persistence is asynchronous: a Ready's {@code messages} go out at once, its writes complete after a
 * simulated disk latency (Readys complete strictly in order), and only then are its {@code messagesAfterPersist}
 * sent, {@code persisted} called and its committed entries applied. A leader's own write thus runs in parallel
 * with replication (thesis §10.2.1). A crash loses the Readys still waiting for the disk.
 */
final class SimNode {

    enum State { UP, PAUSED, DOWN, DECOMMISSIONED }

    final long id;
    private final Cluster cluster;
    private final SimDisk disk;
    private final RaftConfig config;

    private State state = State.DOWN;
    /** Bumped at every crash and restart, so events scheduled for an earlier life are ignored. */
    private int incarnation;
    private RaftNode raft;
    private ChainStateMachine sm;
    private LogMirror log;

    /** Readys handed out and not yet finished, oldest first; the head is the one the disk is working on. */
    private final ArrayDeque<Pending> unfinished = new ArrayDeque<>();
    private long diskBusyUntil;
    /** Events that arrived while the process was paused, replayed in order on resume. */
    private final List<Runnable> deferred = new ArrayList<>();

    private long lastCommit;
    private boolean wasLeader;
    private long leaderTerm;
    private long lastSnapshotIndex;
    private long snapshotsInstalled;

    SimNode(long id, Cluster cluster, Membership bootstrap, RaftConfig config) {
        this.id = id;
        this.cluster = cluster;
        this.config = config;
        this.disk = new SimDisk(id, bootstrap);
    }

    // ------------------------------------------------------------------ lifecycle

    /** Starts the process from whatever its disk holds (first boot or restart after a crash). */
    void start() {
        if (state == State.UP || state == State.PAUSED || state == State.DECOMMISSIONED) {
            throw new IllegalStateException("node " + id + " is " + state);
        }
        RecoveredState recovered;
        try {
            recovered = disk.recover();
        } catch (IOException e) {
            throw new InvariantViolation(Property.CORE_CONTRACT, "node " + id + " cannot recover: " + e.getMessage(), e);
        }
        SimDisk.StoredSnapshot snap = disk.currentSnapshot();
        sm = ChainStateMachine.restore(snap.meta(), snap.bytes());
        lastSnapshotIndex = snap.meta().index();
        Invariants inv = cluster.invariants();
        if (sm.appliedIndex() > 0) {
            inv.applied.applied(id, sm.appliedIndex(), sm.chain());
            inv.logs.entryInLog(id, sm.appliedIndex(), sm.appliedTerm(), sm.chain());
        }
        log = new LogMirror(sm.appliedIndex(), sm.appliedTerm(), sm.chain());
        log.append(recovered.entries(), id, this::entryInLog);
        raft = core(() -> RaftNode.start(config, recovered, disk.snapshotReader()), "start");
        if (config.quorumFanout()) {
            raft.setSpareFanout((int) Math.floorMod(config.seed() + id, 3L)); // 0-2 spare voters per node
        }
        state = State.UP;
        incarnation++;
        lastCommit = 0;
        wasLeader = false;
        diskBusyUntil = cluster.now();
        scheduleTick(incarnation);
        drain();
        check();
    }

    /** The process dies: memory, in-flight disk writes and pending work are lost; the synced disk survives. */
    void crash() {
        if (state != State.UP && state != State.PAUSED) {
            return;
        }
        state = State.DOWN;
        incarnation++;
        raft = null;
        sm = null;
        log = null;
        unfinished.clear();
        deferred.clear();
        disk.crash();
    }

    /** The node was removed from the cluster and its process stopped for good (its ID is never reused). */
    void decommission() {
        crash();
        state = State.DECOMMISSIONED;
    }

    /** The process stops being scheduled (a long GC pause, a frozen VM): no ticks, messages wait. */
    void pause() {
        if (state == State.UP) {
            state = State.PAUSED;
        }
    }

    void resume() {
        if (state != State.PAUSED) {
            return;
        }
        state = State.UP;
        List<Runnable> replay = new ArrayList<>(deferred);
        deferred.clear();
        int inc = incarnation;
        for (Runnable r : replay) {
            cluster.schedule(0, "resumed", id, null, () -> {
                if (inc == incarnation) {
                    whenRunning(r);
                }
            });
        }
    }

    // ------------------------------------------------------------------ inputs

    private void scheduleTick(int inc) {
        SimSettings s = cluster.settings();
        int period = s.tickInterval() + (s.tickJitter() == 0 ? 0
                : cluster.random().nextInt(2 * s.tickJitter() + 1) - s.tickJitter());
        cluster.schedule(period, "tick", id, null, () -> {
            if (inc != incarnation) {
                return;
            }
            if (state == State.UP) {
                core(() -> {
                    raft.tick();
                    return null;
                }, "tick");
                afterInput();
            }
            scheduleTick(inc);
        });
    }

    /** A message arrives from the network. */
    void receive(Message m) {
        if (state == State.DOWN || state == State.DECOMMISSIONED) {
            return;
        }
        whenRunning(() -> {
            core(() -> {
                raft.step(m);
                return null;
            }, "step " + m);
            afterInput();
        });
    }

    /** Runs now if the process is running, or when it resumes if it is paused. */
    private void whenRunning(Runnable r) {
        if (state == State.PAUSED) {
            deferred.add(r);
        } else if (state == State.UP) {
            r.run();
        }
    }

    ProposeResult propose(byte[] command) {
        requireRunning();
        ProposeResult r = core(() -> raft.propose(command), "propose");
        afterInput();
        return r;
    }

    ProposeResult proposeMembership(MembershipChange change) {
        requireRunning();
        ProposeResult r = core(() -> raft.proposeMembership(change), "proposeMembership " + change);
        afterInput();
        return r;
    }

    void readIndex(long requestId) {
        requireRunning();
        core(() -> {
            raft.readIndex(requestId);
            return null;
        }, "readIndex");
        afterInput();
    }

    TransferResult transferLeadership(long target) {
        requireRunning();
        TransferResult r = core(() -> raft.transferLeadership(target), "transferLeadership " + target);
        afterInput();
        return r;
    }

    /** Client requests go only to a running process (a scenario that asks a dead node is itself wrong). */
    private void requireRunning() {
        if (state != State.UP) {
            throw new IllegalStateException("node " + id + " is " + state + " and cannot take requests");
        }
    }

    private void afterInput() {
        drain();
        check();
    }

    // ------------------------------------------------------------------ the Ready loop

    private void drain() {
        int guard = 0;
        while (state == State.UP && core(raft::hasReady, "hasReady")) {
            if (++guard > 10_000) {
                throw new InvariantViolation(Property.CORE_CONTRACT, "node " + id
                        + " still has a Ready after 10,000 consecutive Readys");
            }
            Ready r = core(raft::ready, "ready");
            accept(r);
            finishReadysThatNeedNoDisk();
        }
    }

    /**
     * A Ready as the core handed it out, and a copy of its lists taken at that moment: {@link #checkUnchanged}
     * reports a core that changes a Ready after handing it out (it once reused its internal lists).
     */
    private record Pending(Ready original, Ready frozen) {
    }

    private static Ready freeze(Ready r) {
        return new Ready(r.hardState(), List.copyOf(r.snapshotChunks()), r.snapshot(), List.copyOf(r.entries()),
                List.copyOf(r.messages()), List.copyOf(r.messagesAfterPersist()), List.copyOf(r.committedEntries()),
                List.copyOf(r.readStates()));
    }

    private void checkUnchanged(Pending p) {
        Ready o = p.original();
        Ready f = p.frozen();
        String changed = o.snapshotChunks().size() != f.snapshotChunks().size() ? "snapshotChunks"
                : o.entries().size() != f.entries().size() ? "entries"
                : o.messages().size() != f.messages().size() ? "messages"
                : o.messagesAfterPersist().size() != f.messagesAfterPersist().size() ? "messagesAfterPersist"
                : o.committedEntries().size() != f.committedEntries().size() ? "committedEntries"
                : o.readStates().size() != f.readStates().size() ? "readStates" : null;
        if (changed != null) {
            throw new InvariantViolation(Property.CORE_CONTRACT, "node " + id + ": a Ready's " + changed
                    + " list changed after the Ready was handed out (the core keeps writing into a list it gave"
                    + " away); the caller would persist, send or apply work twice or out of order");
        }
    }

    /** Step 1 of the contract: send messages at once; hand the writes to the disk. */
    private void accept(Ready original) {
        Ready r = freeze(original);
        if (r.snapshot() != null) {
            // The snapshot replaces the whole log (§7); its last entry must be one some log held.
            SnapshotMeta s = r.snapshot();
            log.reset(s.index(), s.term(), cluster.invariants().logs.chainOf(id, s.index(), s.term()));
        }
        log.append(r.entries(), id, this::entryInLog);
        sendAll(r.messages());
        long now = cluster.now();
        if (r.mustPersist()) {
            SimSettings s = cluster.settings();
            long latency = s.minDiskLatency() + cluster.random().nextInt(s.maxDiskLatency() - s.minDiskLatency() + 1);
            diskBusyUntil = Math.max(now, diskBusyUntil) + latency;
            int inc = incarnation;
            cluster.schedule(diskBusyUntil - now, "fsync", id, r.lastEntry(), () -> {
                if (inc == incarnation) {
                    whenRunning(this::diskDone);
                }
            });
        }
        unfinished.add(new Pending(original, r));
    }

    private void diskDone() {
        Pending p = unfinished.poll();
        Ready r = p == null ? null : p.frozen();
        if (r == null || !r.mustPersist()) {
            throw new IllegalStateException("simulator bug: disk completion without a pending write at node " + id);
        }
        try {
            disk.persist(r);
        } catch (IOException e) {
            throw new InvariantViolation(Property.CORE_CONTRACT, "node " + id + " Ready breaks the storage contract: "
                    + e.getMessage(), e);
        }
        finish(p);
        finishReadysThatNeedNoDisk();
        afterInput();
    }

    /** Readys with nothing to write finish as soon as every Ready before them has. */
    private void finishReadysThatNeedNoDisk() {
        while (state == State.UP && !unfinished.isEmpty() && !unfinished.peek().frozen().mustPersist()) {
            finish(unfinished.poll());
        }
    }

    /** Steps 3 to 5 of the contract, once the Ready is durable. */
    private void finish(Pending p) {
        checkUnchanged(p);
        Ready r = p.frozen();
        sendAll(r.messagesAfterPersist());
        core(() -> {
            raft.persisted(p.original());
            return null;
        }, "persisted");
        long appliedBefore = sm.appliedIndex();
        if (r.snapshot() != null) {
            restoreFrom(r.snapshot());
        }
        for (Entry e : r.committedEntries()) {
            apply(e);
        }
        if (sm.appliedIndex() != appliedBefore) {
            core(() -> {
                raft.applied(sm.appliedIndex());
                return null;
            }, "applied");
        }
        for (ReadState rs : r.readStates()) {
            // The read would be served once applied reaches rs.index(); what matters is that index (linearizability).
            cluster.invariants().clients.readAnswered(id, rs);
        }
        maybeSnapshot();
    }

    private void restoreFrom(SnapshotMeta meta) {
        byte[] bytes;
        try (var in = disk.openSnapshot(meta)) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new InvariantViolation(Property.CORE_CONTRACT, "node " + id + " installed snapshot " + meta
                    + " that is not on its disk: " + e.getMessage(), e);
        }
        if (meta.index() < sm.appliedIndex()) {
            throw new InvariantViolation(Property.CORE_CONTRACT, "node " + id + " was told to restore snapshot "
                    + meta.index() + " behind its applied index " + sm.appliedIndex());
        }
        sm = ChainStateMachine.restore(meta, bytes);
        snapshotsInstalled++;
        cluster.invariants().applied.applied(id, sm.appliedIndex(), sm.chain());
        lastSnapshotIndex = meta.index();
        cluster.membershipApplied(this, sm.membership());
    }

    private void apply(Entry e) {
        if (e.index() != sm.appliedIndex() + 1) {
            throw new InvariantViolation(Property.CORE_CONTRACT, "node " + id + " handed out committed entry "
                    + e.index() + " but the next to apply is " + (sm.appliedIndex() + 1));
        }
        Entry onDisk = disk.durableEntry(e.index());
        if (onDisk == null || onDisk.term() != e.term()) {
            throw new InvariantViolation(Property.CORE_CONTRACT, "node " + id + " handed out committed entry " + e
                    + " that is not durable locally (disk holds " + onDisk + ")");
        }
        sm.apply(e);
        Invariants inv = cluster.invariants();
        inv.applied.applied(id, e.index(), sm.chain());
        Long committedChain = inv.commits.chainAt(e.index());
        if (committedChain != null && committedChain != sm.chain()) {
            throw new InvariantViolation(Property.STATE_MACHINE_SAFETY, "node " + id + " applied through index "
                    + e.index() + " a history that differs from the one committed there");
        }
        inv.clients.applied(id, e);
        if (e.type() == EntryType.MEMBERSHIP) {
            cluster.membershipApplied(this, sm.membership());
        }
    }

    private void maybeSnapshot() {
        SimSettings s = cluster.settings();
        if (sm.appliedIndex() - lastSnapshotIndex < s.snapshotEvery()) {
            return;
        }
        if (sm.appliedIndex() < raft.firstIndex() - 1) {
            return; // a newer snapshot from the leader is on its way through the pipeline; ours would be stale
        }
        byte[] bytes = sm.snapshotBytes(s.snapshotPadding());
        SnapshotMeta meta = sm.snapshotMeta(bytes.length);
        SnapshotMeta coreView = core(() -> raft.snapshotMetaFor(meta.index()), "snapshotMetaFor " + meta.index());
        if (coreView.term() != meta.term() || !coreView.membership().equals(meta.membership())) {
            throw new InvariantViolation(Property.CORE_CONTRACT, "node " + id + " core describes a snapshot at "
                    + meta.index() + " as " + coreView + " but the applied history says " + meta);
        }
        try {
            SnapshotMeta saved = disk.saveSnapshot(meta.index(), meta.term(), meta.membership(),
                    out -> out.write(bytes));
            if (!saved.equals(meta)) {
                throw new InvariantViolation(Property.CORE_CONTRACT, "node " + id + " saved snapshot " + saved
                        + " but wrote " + meta);
            }
            disk.compact(meta.index() - s.retainEntries());
        } catch (IOException e) {
            throw new IllegalStateException("simulator bug: cannot save snapshot", e);
        }
        lastSnapshotIndex = meta.index();
        core(() -> {
            raft.compact(meta, s.retainEntries());
            return null;
        }, "compact " + meta.index());
    }

    /**
     * Sends a batch in a canonical order (stable-sorted by addressee). The core builds batches by iterating
     * {@link io.raftkv.raft.Membership} sets, whose iteration order ({@code Set.copyOf}) is randomized per JVM;
     * without this the network's random draws would be consumed in a different order in every JVM and a seed
     * would not replay.
     */
    private void sendAll(List<Message> batch) {
        if (batch.size() > 1) {
            List<Message> sorted = new ArrayList<>(batch);
            sorted.sort(java.util.Comparator.comparingLong(Message::to));
            batch = sorted;
        }
        for (Message m : batch) {
            send(m);
        }
    }

    private void send(Message m) {
        if (m.from() != id) {
            throw new InvariantViolation(Property.CORE_CONTRACT, "node " + id + " sends a message from " + m.from()
                    + ": " + m);
        }
        cluster.network().send(m);
    }

    private void entryInLog(Entry e, long chain) {
        cluster.invariants().logs.entryInLog(id, e.index(), e.term(), chain);
    }

    // ------------------------------------------------------------------ checks after every step

    /** Election Safety, Leader Completeness and a monotonic commit index, from the node's current state. */
    void check() {
        if (state != State.UP) {
            return;
        }
        Invariants inv = cluster.invariants();
        long term = raft.term();
        long commit = raft.commitIndex();
        if (raft.role() == Role.LEADER) {
            inv.elections.leaderSeen(term, id);
            if (!wasLeader || term != leaderTerm) {
                inv.commits.checkNewLeader(id, term, log);
                wasLeader = true;
                leaderTerm = term;
            }
        } else {
            wasLeader = false;
        }
        if (commit < lastCommit) {
            throw new InvariantViolation(Property.MONOTONIC_COMMIT, "node " + id + " commit index went from "
                    + lastCommit + " back to " + commit);
        }
        if (commit > lastCommit) {
            if (commit > log.lastIndex()) {
                throw new InvariantViolation(Property.CORE_CONTRACT, "node " + id + " commit index " + commit
                        + " is beyond its last log index " + log.lastIndex());
            }
            if (log.covers(commit)) {
                inv.commits.commitAdvanced(id, commit, log.chainAt(commit), term);
            }
            lastCommit = commit;
        }
    }

    /** Calls into the core; an exception escaping it is a contract violation, reported with the operation. */
    private <T> T core(Supplier<T> call, String what) {
        try {
            return call.get();
        } catch (InvariantViolation v) {
            throw v;
        } catch (RuntimeException e) {
            throw new InvariantViolation(Property.CORE_CONTRACT, "node " + id + " core threw on " + what + ": " + e, e);
        }
    }

    // ------------------------------------------------------------------ observations

    State state() {
        return state;
    }

    boolean isRunning() {
        return state == State.UP;
    }

    boolean isAlive() {
        return state == State.UP || state == State.PAUSED;
    }

    RaftNode raft() {
        return raft;
    }

    long appliedIndex() {
        return sm == null ? -1 : sm.appliedIndex();
    }

    long snapshotsInstalled() {
        return snapshotsInstalled;
    }

    private static String describe(Ready r) {
        return "Ready{persist=" + r.mustPersist() + " entries=" + r.entries().size() + " committed="
                + r.committedEntries().size() + " chunks=" + r.snapshotChunks().size() + " snapshot=" + r.snapshot()
                + " hs=" + r.hardState() + "}";
    }

    @Override
    public String toString() {
        if (state != State.UP) {
            return "n" + id + "(" + state + ")";
        }
        return "n" + id + "(" + raft.role() + " t" + raft.term() + " commit " + raft.commitIndex() + " applied "
                + sm.appliedIndex() + " last " + log.lastIndex() + " durable " + raft.status().persistedIndex()
                + " voters " + new java.util.TreeSet<>(raft.membership().voters())
                + (unfinished.isEmpty() ? "" : " readys-waiting-for-disk " + unfinished.size() + " disk-free-at "
                + diskBusyUntil + " head " + describe(unfinished.peek().frozen())) + ")";
    }
}
