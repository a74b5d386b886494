package io.raftkv.runtime;

import io.raftkv.raft.HardState;
import io.raftkv.raft.Membership;
import io.raftkv.raft.MembershipChange;
import io.raftkv.raft.NodeStatus;
import io.raftkv.raft.ProposeResult;
import io.raftkv.raft.RaftConfig;
import io.raftkv.raft.RaftNode;
import io.raftkv.raft.Ready;
import io.raftkv.raft.RecoveredState;
import io.raftkv.raft.Role;
import io.raftkv.raft.SnapshotMeta;
import io.raftkv.raft.TransferResult;
import io.raftkv.raft.message.Message;
import io.raftkv.storage.GroupCommitWriter;
import io.raftkv.storage.RaftStorage;
import io.raftkv.storage.StorageFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs one Raft node: a single consensus thread owns the {@link RaftNode} (single writer, no locks) and
 * executes events from a multi-producer queue (peer messages, proposals, reads, admin calls, clock ticks).
 * After each batch of events it drains the core's {@link Ready}s following their contract: messages go out at
 * once, the writes go to the {@link GroupCommitWriter} (whose completion sends {@code messagesAfterPersist} and
 * reports {@code persisted}), and committed entries and read states go to the {@link Applier}.
 *
 * <p>Every public method is thread-safe and returns at once; results arrive through futures.
 */
public final class RaftRuntime implements AutoCloseable {

    /** The core's state as of the consensus thread's last iteration, for health checks and metrics. */
    public record View(long id, Role role, long term, long leader, long commitIndex) {
    }

    private static final Logger log = LoggerFactory.getLogger(RaftRuntime.class);

    private final RaftConfig raftConfig;
    private final RuntimeOptions options;
    private final RaftStorage storage;
    private final MessageSender sender;
    private final RuntimeMetrics metrics;
    private final Consumer<Throwable> fatal;
    private final RaftNode node;
    private final GroupCommitWriter writer;
    /** Readys handed to the writer, in order; the writer reports them persisted in the same order. */
    private final ConcurrentLinkedQueue<Submitted> submitted = new ConcurrentLinkedQueue<>();

    private record Submitted(Ready ready, CompletableFuture<Void> durable) {
    }
    private final Applier applier;
    private final LinkedBlockingQueue<Runnable> events = new LinkedBlockingQueue<>();
    private final Thread loop;
    private final ScheduledExecutorService ticker;
    private final AtomicLong readIds = new AtomicLong();
    private volatile View view;
    private volatile boolean running = true;
    private volatile Throwable storageFailure;

    private RaftRuntime(RaftConfig raftConfig, RuntimeOptions options, RaftStorage storage, StateMachine sm,
                        MessageSender sender, Consumer<Membership> onMembership, RuntimeMetrics metrics,
                        Consumer<Throwable> fatal, RecoveredState recovered) {
        this.raftConfig = raftConfig;
        this.options = options;
        this.storage = storage;
        this.sender = sender;
        this.metrics = metrics;
        this.fatal = fatal;
        String name = "raft-" + raftConfig.id();
        this.node = RaftNode.start(raftConfig, recovered, storage.snapshotReader());
        this.writer = new GroupCommitWriter(new MustSyncStorage(new SyncTimingStorage(storage, metrics::synced)), new GroupCommitWriter.Listener() {
            @Override
            public void persisted(Ready ready) {
                onPersisted(ready);
            }

            @Override
            public void failed(Throwable cause) {
                onStorageFailure(cause);
            }
        }, null);
        this.applier = new Applier(sm, storage, options, recovered.snapshot(), name + "-apply",
                index -> enqueue(() -> node.applied(index)), this::compact, onMembership, metrics);
        onMembership.accept(recovered.snapshot().membership());
        metrics.applied(recovered.snapshot().index());
        metrics.gauge("raftkv_pending_requests", applier::pendingCount);
        this.view = new View(raftConfig.id(), node.role(), node.term(), node.leader(), node.commitIndex());
        this.loop = new Thread(this::run, name + "-loop");
        this.loop.setDaemon(true);
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name + "-tick");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Recovers the node from {@code storage} and starts it.
     *
     * @param bootstrap    the initial voters if this node founds a new cluster and its storage is empty; null to
     *                     join an existing cluster (an operator adds it as a learner)
     * @param onMembership told every membership the node applies (from the apply thread)
     * @param fatal        told about an unrecoverable storage error; the node stops serving writes
     */
    public static RaftRuntime start(RaftConfig raftConfig, RuntimeOptions options, RaftStorage storage,
                                    StateMachine sm, MessageSender sender, Membership bootstrap,
                                    Consumer<Membership> onMembership, RuntimeMetrics metrics,
                                    Consumer<Throwable> fatal) throws IOException {
        RecoveredState recovered = recover(storage, sm, bootstrap);
        RaftRuntime rt = new RaftRuntime(raftConfig, options, storage, sm, sender, onMembership, metrics, fatal,
                recovered);
        rt.loop.start();
        long tickMs = options.tick().toMillis();
        rt.ticker.scheduleAtFixedRate(() -> rt.enqueue(rt.node::tick), tickMs, tickMs, TimeUnit.MILLISECONDS);
        return rt;
    }

    private static RecoveredState recover(RaftStorage storage, StateMachine sm, Membership bootstrap)
            throws IOException {
        RecoveredState rec = storage.recover();
        boolean fresh = rec.hardState().equals(HardState.EMPTY) && rec.snapshot().index() == 0
                && rec.entries().isEmpty() && rec.snapshot().membership().equals(Membership.EMPTY);
        if (fresh && bootstrap != null && !bootstrap.voters().isEmpty()) {
            // Make the founding membership durable (as a snapshot at index 0) so that a restart never depends on
            // the configuration again: changing the peer list later cannot fork the cluster's history.
            SnapshotMeta meta = storage.saveSnapshot(0, 0, bootstrap, sm.capture());
            log.info("bootstrapped a new cluster with voters {}", bootstrap.voters());
            return new RecoveredState(rec.hardState(), meta, List.of());
        }
        if (fresh) {
            log.info("empty storage and no bootstrap: waiting for a leader to add this node");
        } else if (rec.snapshot().index() > 0) {
            try (InputStream in = storage.openSnapshot(rec.snapshot())) {
                sm.restore(in);
            }
        }
        log.info("recovered: {}, snapshot at index {}, {} log entries", rec.hardState(), rec.snapshot().index(),
                rec.entries().size());
        return rec;
    }

    public long id() {
        return raftConfig.id();
    }

    public View view() {
        return view;
    }

    public long appliedIndex() {
        return applier.appliedIndex();
    }

    public long snapshotIndex() {
        return applier.snapshotIndex();
    }

    public Membership membership() {
        return applier.membership();
    }

    public RuntimeMetrics metrics() {
        return metrics;
    }

    /** Hands a message from a peer to the core. */
    public void step(Message m) {
        enqueue(() -> node.step(m));
    }

    /**
     * Proposes a command. The future completes with the state machine's result once the command is applied
     * here, or fails with a {@link RequestFailure}.
     */
    public CompletableFuture<Object> propose(byte[] command) {
        CompletableFuture<Object> f = new CompletableFuture<>();
        if (!admit(f)) {
            return f;
        }
        enqueue(() -> {
            ProposeResult r = node.propose(command);
            accepted(r, f);
        });
        return f;
    }

    /** Proposes one membership change; the future completes with the new membership once applied. */
    public CompletableFuture<Membership> changeMembership(MembershipChange change) {
        CompletableFuture<Object> f = new CompletableFuture<>();
        if (!admit(f)) {
            return f.thenApply(Membership.class::cast);
        }
        enqueue(() -> {
            ProposeResult r;
            try {
                r = node.proposeMembership(change);
            } catch (IllegalArgumentException e) {
                f.completeExceptionally(new RequestFailure(RequestFailure.Reason.MEMBERSHIP, e.getMessage()));
                return;
            }
            accepted(r, f);
        });
        return f.thenApply(Membership.class::cast);
    }

    private void accepted(ProposeResult r, CompletableFuture<Object> f) {
        metrics.proposal(r.status().name().toLowerCase(java.util.Locale.ROOT));
        switch (r.status()) {
            case ACCEPTED -> applier.expect(r.index(), r.term(), f);
            case NOT_LEADER -> f.completeExceptionally(RequestFailure.notLeader(r.leaderHint()));
            case TRANSFERRING -> f.completeExceptionally(new RequestFailure(RequestFailure.Reason.NO_LEADER,
                    "leadership is being transferred; retry shortly"));
            case BACKPRESSURE -> f.completeExceptionally(new RequestFailure(RequestFailure.Reason.BACKPRESSURE,
                    "too many uncommitted writes; retry later"));
            case REJECTED -> f.completeExceptionally(new RequestFailure(
                    r.reason().contains("member") ? RequestFailure.Reason.MEMBERSHIP
                            : RequestFailure.Reason.INVALID_ARGUMENT, r.reason()));
        }
    }

    /**
     * Runs {@code query} against the state machine. Linearizable: after a ReadIndex round (thesis §6.4) once the
     * state machine caught up with it, so the answer reflects every write acknowledged before the call. Otherwise
     * at once, against the local state, which may be stale.
     */
    public <T> CompletableFuture<T> read(Function<StateMachine, T> query, boolean linearizable) {
        CompletableFuture<T> f = new CompletableFuture<>();
        if (!linearizable) {
            applier.readNow(query, f);
            return f;
        }
        if (!admit(f)) {
            return f;
        }
        long id = readIds.incrementAndGet(); // a fresh context per attempt, never reused
        applier.expectRead(id, query, f);
        enqueue(() -> node.readIndex(id));
        return f;
    }

    /**
     * Moves the election clock of a follower that knows no leader forward by {@code ticks} ticks at once (fewer
     * than the election timeout, so no election starts here); a no-op once a leader is known.
     */
    public void advanceElectionClock(int ticks) {
        enqueue(() -> {
            if (node.role() == Role.FOLLOWER && node.leader() == RaftNode.NONE) {
                for (int i = 0; i < ticks; i++) {
                    node.tick();
                }
            }
        });
    }

    /** Asks the core to hand leadership to {@code target} (0: the most caught-up voter). */
    public CompletableFuture<TransferResult> transferLeadership(long target) {
        CompletableFuture<TransferResult> f = new CompletableFuture<>();
        enqueue(() -> {
            if (node.role() != Role.LEADER) {
                // Only the leader knows which voter is most caught up; a follower must point to it rather than
                // answer "no other voter" from its empty progress table.
                f.complete(TransferResult.NOT_LEADER);
                return;
            }
            long t = target == RaftNode.NONE ? bestTransferTarget() : target;
            f.complete(t == RaftNode.NONE ? TransferResult.NOT_A_VOTER : node.transferLeadership(t));
        });
        return f;
    }

    /**
     * If this node leads other voters, hands leadership to the most caught-up one (thesis §3.10) and waits up to
     * {@code wait} for it to move, so that clients see no election timeout when this node stops next (the
     * preStop hook and a graceful shutdown).
     *
     * @return what happened, in words
     */
    public String handOffLeadership(Duration wait) {
        if (view.role() != Role.LEADER) {
            return "not the leader: nothing to hand off";
        }
        if (membership().voters().size() <= 1) {
            return "the only voter: nobody to hand leadership to";
        }
        try {
            long deadline = System.nanoTime() + wait.toNanos();
            TransferResult r = transferLeadership(RaftNode.NONE).get(wait.toMillis(), TimeUnit.MILLISECONDS);
            while (r == TransferResult.STARTED && view.role() == Role.LEADER && System.nanoTime() < deadline) {
                LockSupport.parkNanos(5_000_000); // poll the view; the loop updates it
            }
            return view.role() == Role.LEADER ? "leadership transfer " + r + " but still the leader after " + wait
                    : "leadership handed off (transfer " + r + "), leader now " + view.leader();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while handing leadership off";
        } catch (Exception e) {
            log.warn("leadership hand-off failed: {}", e.toString());
            return "leadership hand-off failed: " + e;
        }
    }

    /** Gives up leadership at once, handing it to the most up-to-date voter (for a node that cannot write). */
    public void stepDown() {
        enqueue(node::stepDown);
    }

    /** The core's full status, taken on the consensus thread. */
    public CompletableFuture<NodeStatus> status() {
        CompletableFuture<NodeStatus> f = new CompletableFuture<>();
        enqueue(() -> f.complete(node.status()));
        return f;
    }

    /** Takes a snapshot now; completes with its description, or null if nothing was applied since the last. */
    public CompletableFuture<SnapshotMeta> takeSnapshot() {
        return applier.snapshotNow();
    }

    private long bestTransferTarget() {
        NodeStatus s = node.status();
        long best = RaftNode.NONE;
        long bestMatch = -1;
        for (Map.Entry<Long, NodeStatus.PeerProgress> e : s.progress().entrySet()) {
            long id = e.getKey();
            if (id != s.id() && s.membership().isVoter(id) && e.getValue().matchIndex() > bestMatch) {
                best = id;
                bestMatch = e.getValue().matchIndex();
            }
        }
        return best;
    }

    private boolean admit(CompletableFuture<?> f) {
        if (!running) {
            f.completeExceptionally(new RequestFailure(RequestFailure.Reason.SHUTTING_DOWN, "the node is stopping"));
            return false;
        }
        if (storageFailure != null) {
            f.completeExceptionally(new RequestFailure(RequestFailure.Reason.DISK_ALARM,
                    "storage failed: " + storageFailure.getMessage()));
            return false;
        }
        if (applier.pendingCount() >= options.maxPendingRequests()) {
            f.completeExceptionally(new RequestFailure(RequestFailure.Reason.BACKPRESSURE,
                    "too many requests waiting (" + options.maxPendingRequests() + "); retry later"));
            return false;
        }
        return true;
    }

    private void enqueue(Runnable event) {
        events.add(event);
    }

    private void run() {
        List<Runnable> batch = new ArrayList<>();
        while (running) {
            try {
                Runnable first = events.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                events.drainTo(batch, 8192);
                for (Runnable r : batch) {
                    r.run();
                }
                batch.clear();
                drainReadies();
                View v = new View(raftConfig.id(), node.role(), node.term(), node.leader(), node.commitIndex());
                if (!v.equals(view)) {
                    if (v.leader() != view.leader() || v.role() != view.role()) {
                        log.info("role {} term {} leader {}", v.role(), v.term(), v.leader());
                    }
                    view = v;
                    metrics.observe(v.role(), v.term(), v.leader(), v.commitIndex());
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // A bug in the core or here: the node cannot be trusted to continue.
                log.error("consensus loop failed", e);
                running = false;
                fatal.accept(e);
                return;
            }
        }
    }

    private void drainReadies() {
        while (node.hasReady()) {
            Ready rd = node.ready();
            if (!rd.messages().isEmpty()) {
                sender.send(rd.messages());
            }
            CompletableFuture<Void> durable = new CompletableFuture<>();
            submitted.add(new Submitted(rd, durable));
            try {
                writer.submit(rd);
            } catch (StorageFailedException e) {
                onStorageFailure(e);
                return;
            }
            if (rd.snapshot() != null) {
                metrics.snapshotInstalled();
            }
            if (rd.snapshot() != null || !rd.committedEntries().isEmpty() || !rd.readStates().isEmpty()) {
                applier.submit(rd, durable);
            }
        }
    }

    /** On the disk thread, in submission order: the Ready is durable. */
    private void onPersisted(Ready rd) {
        Submitted s = submitted.poll();
        if (s == null || s.ready() != rd) {
            onStorageFailure(new IllegalStateException("the disk writer reported Readys out of order"));
            return;
        }
        if (!rd.messagesAfterPersist().isEmpty()) {
            sender.send(rd.messagesAfterPersist());
        }
        enqueue(() -> node.persisted(rd));
        s.durable().complete(null);
    }

    private void onStorageFailure(Throwable cause) {
        if (storageFailure != null) {
            return;
        }
        storageFailure = cause;
        running = false;
        Submitted s;
        while ((s = submitted.poll()) != null) {
            s.durable().completeExceptionally(cause);
        }
        fatal.accept(cause);
    }

    /** After a local snapshot: let the core and the storage drop the log it covers, keeping a tail. */
    private void compact(SnapshotMeta meta) {
        enqueue(() -> node.compact(meta, options.retainEntries()));
        long upTo = meta.index() - options.retainEntries();
        if (upTo > 0) {
            try {
                storage.compact(upTo); // allowed beside the disk thread (RaftStorage contract)
            } catch (IOException | RuntimeException e) {
                log.warn("log compaction up to {} failed; will retry with the next snapshot: {}", upTo, e.toString());
            }
        }
    }

    /**
     * Stops the node. A leader first hands leadership to its most caught-up voter (thesis §3.10) and waits up to
     * {@code transferWait} for it, so clients see no election timeout; then everything is flushed and stopped.
     * The caller closes the storage afterwards.
     */
    public void close(Duration transferWait) {
        if (!running) {
            shutdownThreads();
            return;
        }
        if (!transferWait.isZero()) {
            log.info("shutting down: {}", handOffLeadership(transferWait));
        }
        running = false;
        shutdownThreads();
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(2));
    }

    private void shutdownThreads() {
        running = false;
        ticker.shutdownNow();
        loop.interrupt();
        try {
            loop.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            writer.close();
        } catch (RuntimeException e) {
            log.warn("closing the disk writer failed: {}", e.toString());
        }
        applier.close();
    }
}
