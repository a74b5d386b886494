package io.raftkv.storage;

import io.raftkv.raft.RaftNode;
import io.raftkv.raft.Ready;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Persists {@link Ready}s on a disk thread with group commit, so that the consensus thread never waits for the
 * disk. The consensus thread {@link #submit}s each Ready in the order the core produced it (never blocks); the
 * disk thread takes every Ready queued so far, writes them in order, syncs once, and reports each one persisted,
 * in order. Readys that arrive while an fsync runs wait in the queue and share the next fsync, so the number of
 * fsyncs per second stays bounded by the disk while throughput grows with load (thesis §10.2.1).
 *
 * <p>In {@link Listener#persisted} the caller sends {@link Ready#messagesAfterPersist()} and calls
 * {@link RaftNode#persisted(Ready)} — on its consensus thread: the callback runs on the disk thread and should
 * only hand the Ready over.
 *
 * <p>If writing or syncing fails, the writer stops for good: {@link Listener#failed} is called once, no Ready of
 * the failed batch or after it is ever reported persisted (so nothing is acknowledged), and {@link #submit}
 * throws {@link StorageFailedException}. The node must stop accepting writes and a leader step down; reopening
 * the storage re-reads what is really on disk. Failed writes are never retried.
 */
public final class GroupCommitWriter implements AutoCloseable {

    /** Callbacks from the disk thread. */
    public interface Listener {
        /** {@code ready} is durable (or needed nothing); called in submission order. */
        void persisted(Ready ready);

        /** Writing failed; called once, after which nothing is reported persisted. */
        void failed(Throwable cause);
    }

    public enum State { RUNNING, FAILED, CLOSED }

    /**
     * Counters since start, for metrics and benchmarks.
     *
     * @param readys   Readys reported persisted
     * @param entries  log entries among them
     * @param batches  rounds of the disk thread (each at most one sync)
     * @param syncs    fsyncs
     * @param syncNanos total time spent in sync
     * @param queued   Readys waiting now
     */
    public record Stats(long readys, long entries, long batches, long syncs, long syncNanos, int queued) {
    }

    private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);
    private static final Ready STOP = new Ready(null, List.of(), null, List.of(), List.of(), List.of(), List.of(),
            List.of());

    private final RaftStorage storage;
    private final Listener listener;
    private final FreeSpaceMonitor freeSpace;
    private final LinkedBlockingQueue<Ready> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile State state = State.RUNNING;
    private volatile boolean closing;
    private volatile Throwable failure;
    private volatile long readys;
    private volatile long entries;
    private volatile long batches;
    private volatile long syncs;
    private volatile long syncNanos;

    /**
     * Starts the disk thread.
     *
     * @param freeSpace checked after each batch when due, or null for none
     */
    public GroupCommitWriter(RaftStorage storage, Listener listener, FreeSpaceMonitor freeSpace) {
        this.storage = storage;
        this.listener = listener;
        this.freeSpace = freeSpace;
        this.thread = new Thread(this::run, "raftkv-disk");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /**
     * Queues a Ready for persisting; returns at once.
     *
     * @throws StorageFailedException if the writer failed or was closed
     */
    public void submit(Ready ready) {
        if (state != State.RUNNING || closing) {
            throw new StorageFailedException("storage is not accepting writes (" + (closing ? "closed" : state)
                    + ")", failure);
        }
        queue.add(ready);
    }

    public State state() {
        return state;
    }

    /** The error that stopped the writer, or null. */
    public Throwable failure() {
        return failure;
    }

    public Stats stats() {
        return new Stats(readys, entries, batches, syncs, syncNanos, queue.size());
    }

    /**
     * Persists and reports everything already submitted, then stops the disk thread. If the calling thread is
     * interrupted while waiting, it returns at once with the interrupt flag set (the disk thread finishes alone).
     */
    @Override
    public synchronized void close() {
        if (!closing && state == State.RUNNING) {
            closing = true;
            queue.add(STOP);
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (state == State.RUNNING) {
            state = State.CLOSED;
        }
    }

    private void run() {
        List<Ready> batch = new ArrayList<>();
        boolean stop = false;
        while (!stop) {
            batch.clear();
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                fail(new InterruptedException("disk thread interrupted"));
                return;
            }
            queue.drainTo(batch);
            for (int i = 0; i < batch.size(); i++) {
                if (batch.get(i) == STOP) { // identity: an empty Ready from the core may equal STOP
                    batch.subList(i, batch.size()).clear(); // anything after it raced with close()
                    stop = true;
                }
            }
            if (!persist(batch)) {
                return;
            }
            for (Ready ready : batch) {
                try {
                    listener.persisted(ready);
                } catch (RuntimeException e) {
                    log.error("persisted() callback threw; continuing", e);
                }
            }
            readys += batch.size();
            batches++;
            if (freeSpace != null) {
                freeSpace.checkIfDue();
            }
        }
    }

    /** Writes the batch and syncs once; on failure reports it and returns false. */
    private boolean persist(List<Ready> batch) {
        try {
            boolean wrote = false;
            long batchEntries = 0;
            for (Ready ready : batch) {
                if (ready.mustPersist()) {
                    storage.write(ready);
                    batchEntries += ready.entries().size();
                    wrote = true;
                }
            }
            if (wrote) {
                long started = System.nanoTime();
                storage.sync();
                syncNanos += System.nanoTime() - started;
                syncs++;
            }
            entries += batchEntries;
            return true;
        } catch (Exception | Error e) {
            fail(e);
            return false;
        }
    }

    private void fail(Throwable cause) {
        failure = cause;
        state = State.FAILED;
        int dropped = queue.size();
        queue.clear();
        log.error("storage write failed; the node must stop accepting writes ({} queued Readys dropped, none"
                + " acknowledged)", dropped, cause);
        try {
            listener.failed(cause);
        } catch (RuntimeException e) {
            log.error("failed() callback threw", e);
        }
    }
}
