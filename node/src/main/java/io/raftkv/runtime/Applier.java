package io.raftkv.runtime;

import io.raftkv.raft.Entry;
import io.raftkv.raft.EntryType;
import io.raftkv.raft.Membership;
import io.raftkv.raft.ReadState;
import io.raftkv.raft.Ready;
import io.raftkv.raft.SnapshotMeta;
import io.raftkv.storage.RaftStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * The apply thread: the only thread that touches the state machine. It restores snapshots, applies committed
 * entries in log order, completes the proposers' futures, serves reads once the applied index reaches their
 * read index (thesis §6.4), and takes snapshots of the state machine off the consensus thread.
 *
 * <p>A proposal is answered only if the entry applied at its index has its term; any other entry at that index
 * means a new leader overwrote it, so it fails as {@link RequestFailure.Reason#PROPOSAL_LOST} (retryable;
 * exactly-once client IDs make the retry safe).
 */
final class Applier implements AutoCloseable {

    /** What happens after a snapshot was saved: the runtime compacts the core's and the storage's log. */
    interface SnapshotListener {
        void saved(SnapshotMeta meta);
    }

    private record Pending(long term, CompletableFuture<Object> future) {
    }

    private static final class ReadTask<T> {
        final Function<StateMachine, T> query;
        final CompletableFuture<T> future;
        long index;

        ReadTask(Function<StateMachine, T> query, CompletableFuture<T> future) {
            this.query = query;
            this.future = future;
        }

        void run(StateMachine sm) {
            if (future.isDone()) {
                return;
            }
            try {
                future.complete(query.apply(sm));
            } catch (RuntimeException e) {
                future.completeExceptionally(e);
            }
        }
    }

    private static final Logger log = LoggerFactory.getLogger(Applier.class);

    private final StateMachine sm;
    private final RaftStorage storage;
    private final RuntimeOptions options;
    private final LongConsumer onApplied;
    private final SnapshotListener onSnapshot;
    private final Consumer<Membership> onMembership;
    private final RuntimeMetrics metrics;
    private final ExecutorService thread;

    private final Map<Long, Pending> proposals = new ConcurrentHashMap<>();
    private final Map<Long, ReadTask<?>> reads = new ConcurrentHashMap<>();
    private final AtomicInteger pendingCount = new AtomicInteger();
    /** Reads whose read index is known, waiting for the applied index (apply thread only). */
    private final PriorityQueue<ReadTask<?>> waiting = new PriorityQueue<>((a, b) -> Long.compare(a.index, b.index));

    private volatile long appliedIndex;
    private volatile long appliedTerm;
    private volatile Membership membership;
    private volatile long snapshotIndex;
    private long lastSnapshotNanos = System.nanoTime();
    /** The snapshot being written, if any (apply thread only). */
    private CompletableFuture<SnapshotMeta> snapshotting;
    private final ExecutorService snapshotThread;

    Applier(StateMachine sm, RaftStorage storage, RuntimeOptions options, SnapshotMeta start, String name,
            LongConsumer onApplied, SnapshotListener onSnapshot, Consumer<Membership> onMembership,
            RuntimeMetrics metrics) {
        this.sm = sm;
        this.storage = storage;
        this.options = options;
        this.onApplied = onApplied;
        this.onSnapshot = onSnapshot;
        this.onMembership = onMembership;
        this.metrics = metrics;
        this.appliedIndex = start.index();
        this.appliedTerm = start.term();
        this.membership = start.membership();
        this.snapshotIndex = start.index();
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        this.snapshotThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name + "-snapshot");
            t.setDaemon(true);
            return t;
        });
    }

    long appliedIndex() {
        return appliedIndex;
    }

    Membership membership() {
        return membership;
    }

    long snapshotIndex() {
        return snapshotIndex;
    }

    int pendingCount() {
        return pendingCount.get();
    }

    /** Registers the future of a proposal accepted at (index, term). Called before the entry can commit. */
    void expect(long index, long term, CompletableFuture<Object> future) {
        pendingCount.incrementAndGet();
        Pending p = new Pending(term, future);
        proposals.put(index, p);
        future.whenComplete((r, e) -> {
            if (proposals.remove(index, p)) {
                pendingCount.decrementAndGet();
            }
        });
    }

    /** Registers a linearizable read; it runs once its ReadState arrives and the applied index reaches it. */
    <T> void expectRead(long requestId, Function<StateMachine, T> query, CompletableFuture<T> future) {
        pendingCount.incrementAndGet();
        ReadTask<T> task = new ReadTask<>(query, future);
        reads.put(requestId, task);
        future.whenComplete((r, e) -> {
            reads.remove(requestId, task);
            pendingCount.decrementAndGet();
        });
    }

    /** Runs a query on the apply thread against the current (possibly stale) state. */
    <T> void readNow(Function<StateMachine, T> query, CompletableFuture<T> future) {
        execute(() -> new ReadTask<>(query, future).run(sm), future);
    }

    /** Applies what a Ready hands over; {@code durable} completes when its writes are synced. */
    void submit(Ready ready, CompletableFuture<Void> durable) {
        execute(() -> apply(ready, durable), null);
    }

    /** Takes a snapshot now (if anything was applied since the last one). */
    CompletableFuture<SnapshotMeta> snapshotNow() {
        CompletableFuture<SnapshotMeta> f = new CompletableFuture<>();
        execute(() -> {
            if (appliedIndex > snapshotIndex) {
                takeSnapshot().whenComplete((m, e) -> {
                    if (e != null) {
                        f.completeExceptionally(e);
                    } else {
                        f.complete(m);
                    }
                });
            } else {
                f.complete(null);
            }
        }, f);
        return f;
    }

    private void execute(Runnable r, CompletableFuture<?> onReject) {
        try {
            thread.execute(r);
        } catch (RejectedExecutionException e) {
            if (onReject != null) {
                onReject.completeExceptionally(new RequestFailure(RequestFailure.Reason.SHUTTING_DOWN,
                        "the node is stopping"));
            }
        }
    }

    private void apply(Ready ready, CompletableFuture<Void> durable) {
        if (ready.snapshot() != null) {
            try {
                durable.join(); // the snapshot's bytes are current only once installed durably
            } catch (RuntimeException e) {
                return; // the runtime stops the node on a storage failure
            }
            restore(ready.snapshot());
        }
        long last = 0;
        for (Entry e : ready.committedEntries()) {
            if (e.index() <= appliedIndex) {
                continue; // covered by a snapshot restored meanwhile
            }
            applyEntry(e);
            last = e.index();
        }
        if (last > 0) {
            onApplied.accept(last);
            metrics.applied(last);
        }
        for (ReadState rs : ready.readStates()) {
            ReadTask<?> task = reads.remove(rs.requestId());
            if (task == null) {
                continue; // timed out meanwhile
            }
            if (rs.status() != ReadState.Status.OK) {
                task.future.completeExceptionally(RequestFailure.notLeader(rs.leaderHint()));
                continue;
            }
            task.index = rs.index();
            waiting.add(task);
        }
        releaseReads();
        maybeSnapshot();
    }

    private void applyEntry(Entry e) {
        Object result = sm.apply(e);
        if (e.type() == EntryType.MEMBERSHIP) {
            Membership m = Membership.decode(e.data());
            membership = m;
            result = m;
            onMembership.accept(m);
        }
        appliedIndex = e.index();
        appliedTerm = e.term();
        Pending p = proposals.remove(e.index());
        if (p != null) {
            pendingCount.decrementAndGet();
            if (p.term == e.term()) {
                p.future.complete(result);
            } else {
                p.future.completeExceptionally(new RequestFailure(RequestFailure.Reason.PROPOSAL_LOST,
                        "a new leader replaced the proposal at index " + e.index() + " before it committed; retry"));
            }
        }
    }

    private void restore(SnapshotMeta meta) {
        try (InputStream in = storage.openSnapshot(meta)) {
            sm.restore(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restore the state machine from snapshot at index " + meta.index(), e);
        }
        log.info("restored state machine from snapshot at index {} term {}", meta.index(), meta.term());
        appliedIndex = meta.index();
        appliedTerm = meta.term();
        snapshotIndex = meta.index();
        membership = meta.membership();
        onMembership.accept(meta.membership());
        // Proposals the snapshot covers may or may not be in it: their outcome is unknown here.
        Iterator<Map.Entry<Long, Pending>> it = proposals.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, Pending> p = it.next();
            if (p.getKey() <= meta.index()) {
                it.remove();
                pendingCount.decrementAndGet();
                p.getValue().future.completeExceptionally(new RequestFailure(RequestFailure.Reason.PROPOSAL_LOST,
                        "a snapshot replaced the log; outcome unknown, retry with the same write id"));
            }
        }
        onApplied.accept(meta.index());
    }

    private void releaseReads() {
        while (!waiting.isEmpty() && waiting.peek().index <= appliedIndex) {
            waiting.poll().run(sm);
        }
    }

    private void maybeSnapshot() {
        long since = appliedIndex - snapshotIndex;
        boolean byCount = since >= options.snapshotThresholdEntries();
        boolean byTime = since > 0 && !options.snapshotInterval().isZero()
                && System.nanoTime() - lastSnapshotNanos >= options.snapshotInterval().toNanos();
        if (byCount || byTime) {
            takeSnapshot();
        }
    }

    /**
     * Captures the state machine here (cheap) and writes the snapshot on the snapshot thread, so applying goes
     * on meanwhile. At most one snapshot is written at a time.
     */
    private CompletableFuture<SnapshotMeta> takeSnapshot() {
        if (snapshotting != null) {
            return snapshotting;
        }
        SnapshotMeta meta = new SnapshotMeta(appliedIndex, appliedTerm, membership, 0);
        RaftStorage.SnapshotWriter writer = sm.capture();
        lastSnapshotNanos = System.nanoTime();
        CompletableFuture<SnapshotMeta> f = new CompletableFuture<>();
        snapshotting = f;
        try {
            snapshotThread.execute(() -> {
                long t0 = System.nanoTime();
                try {
                    // Written once; the storage reports the size, which the core needs to send it in chunks.
                    SnapshotMeta saved = storage.saveSnapshot(meta.index(), meta.term(), meta.membership(), writer);
                    snapshotIndex = Math.max(snapshotIndex, meta.index());
                    metrics.snapshotTaken(System.nanoTime() - t0);
                    log.info("snapshot saved at index {} ({} bytes) in {} ms", meta.index(), saved.sizeBytes(),
                            (System.nanoTime() - t0) / 1_000_000);
                    onSnapshot.saved(saved);
                    f.complete(saved);
                } catch (IOException | RuntimeException e) {
                    log.warn("snapshot at index {} failed; will retry", meta.index(), e);
                    f.completeExceptionally(e);
                } finally {
                    execute(() -> snapshotting = null, null);
                }
            });
        } catch (RejectedExecutionException e) {
            snapshotting = null;
            f.completeExceptionally(e);
        }
        return f;
    }

    /** Fails everything still waiting and stops the apply thread. */
    @Override
    public void close() {
        snapshotThread.shutdown();
        try {
            snapshotThread.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread.shutdown();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        RequestFailure stop = new RequestFailure(RequestFailure.Reason.SHUTTING_DOWN, "the node is stopping");
        proposals.values().forEach(p -> p.future.completeExceptionally(stop));
        reads.values().forEach(r -> r.future.completeExceptionally(stop));
        waiting.forEach(r -> r.future.completeExceptionally(stop));
    }
}
