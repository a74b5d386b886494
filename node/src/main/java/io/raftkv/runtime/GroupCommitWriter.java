package io.raftkv.runtime;

import io.raftkv.raft.Ready;
import io.raftkv.raft.message.InstallSnapshot;
import io.raftkv.storage.RaftStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * Makes {@link Ready}s durable on one disk thread, in the order they were submitted, with one fsync for
 * everything that queued up meanwhile (group commit): under load many proposals share a sync, so the
 * leader's throughput is not bounded by one fsync per entry.
 *
 * <p>Futures complete in submission order, only after the sync that covers their Ready. A write or sync error
 * fails that batch and every later submission: after a failed fsync the state of the file is unknown
 * (PostgreSQL's "fsyncgate"), so the node must stop rather than retry.
 */
public final class GroupCommitWriter implements AutoCloseable {

    /** A storage operation run on the disk thread in order with the writes (e.g. log compaction). */
    @FunctionalInterface
    public interface StorageTask {
        void run(RaftStorage storage) throws IOException;
    }

    private record Job(Ready ready, StorageTask task, CompletableFuture<Void> done) {
    }

    private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);
    private static final Job STOP = new Job(null, null, null);

    private final RaftStorage storage;
    private final LongConsumer syncNanos;
    private final LinkedBlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile IOException failure;

    /**
     * @param syncNanos told the duration of every sync (for the fsync latency histogram)
     */
    public GroupCommitWriter(RaftStorage storage, String name, LongConsumer syncNanos) {
        this.storage = storage;
        this.syncNanos = syncNanos;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Queues a Ready; the future completes once everything it asks to persist is durable. */
    public CompletableFuture<Void> submit(Ready ready) {
        return enqueue(new Job(ready, null, new CompletableFuture<>()));
    }

    /** Queues a storage task after every Ready submitted so far. */
    public CompletableFuture<Void> submit(StorageTask task) {
        return enqueue(new Job(null, task, new CompletableFuture<>()));
    }

    private CompletableFuture<Void> enqueue(Job job) {
        IOException f = failure;
        if (f != null) {
            job.done.completeExceptionally(f);
        } else {
            queue.add(job);
        }
        return job.done;
    }

    private void run() {
        List<Job> batch = new ArrayList<>();
        while (true) {
            try {
                Job first = queue.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, 4096);
                boolean stop = batch.remove(STOP);
                process(batch);
                batch.clear();
                if (stop) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void process(List<Job> batch) {
        if (failure != null) {
            batch.forEach(j -> j.done.completeExceptionally(failure));
            return;
        }
        try {
            boolean dirty = false;
            int synced = 0;
            for (int i = 0; i < batch.size(); i++) {
                Job job = batch.get(i);
                if (job.task != null) {
                    // A task (compaction) must see every earlier write durable first.
                    if (dirty) {
                        sync();
                        dirty = false;
                    }
                    completeUpTo(batch, synced, i);
                    job.task.run(storage);
                    job.done.complete(null);
                    synced = i + 1;
                } else if (job.ready.mustPersist()) {
                    write(job.ready);
                    dirty = true;
                }
            }
            if (dirty) {
                sync();
            }
            completeUpTo(batch, synced, batch.size());
        } catch (IOException | RuntimeException e) {
            IOException io = e instanceof IOException x ? x : new IOException(e);
            failure = io;
            log.error("storage write failed; no further writes are accepted", io);
            batch.forEach(j -> j.done.completeExceptionally(io));
            Job j;
            while ((j = queue.poll()) != null) {
                if (j != STOP) {
                    j.done.completeExceptionally(io);
                }
            }
        }
    }

    private static void completeUpTo(List<Job> batch, int from, int to) {
        for (int i = from; i < to; i++) {
            batch.get(i).done.complete(null);
        }
    }

    /** The Ready contract's order: snapshot chunks, completed snapshot, entries, hard state. */
    private void write(Ready ready) throws IOException {
        for (InstallSnapshot chunk : ready.snapshotChunks()) {
            storage.writeSnapshotChunk(chunk);
        }
        if (ready.snapshot() != null) {
            storage.installSnapshot(ready.snapshot());
        }
        if (!ready.entries().isEmpty()) {
            storage.append(ready.entries());
        }
        if (ready.hardState() != null) {
            storage.saveHardState(ready.hardState());
        }
    }

    private void sync() throws IOException {
        long t0 = System.nanoTime();
        storage.sync();
        syncNanos.accept(System.nanoTime() - t0);
    }

    /** The first write error, if any. */
    public IOException failure() {
        return failure;
    }

    /** Finishes everything queued, then stops the disk thread. */
    @Override
    public void close() {
        queue.add(STOP);
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
