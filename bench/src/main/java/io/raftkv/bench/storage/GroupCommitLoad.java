package io.raftkv.bench.storage;

import io.raftkv.raft.Entry;
import io.raftkv.raft.HardState;
import io.raftkv.raft.Ready;
import io.raftkv.storage.FileRaftStorage;
import io.raftkv.storage.GroupCommitWriter;
import io.raftkv.storage.StorageConfig;
import org.HdrHistogram.Recorder;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Durable appends under load, shaped like a server: {@code producers} client threads each keep {@code window}
 * proposals outstanding; one "consensus" thread takes every proposal queued so far, turns them into one Ready
 * (entries plus a hard state, as a leader's Ready carries), and submits it to the {@link GroupCommitWriter}; a
 * proposal completes when its Ready is reported durable. Measures entries/s, MB/s, fsyncs/s and per-entry
 * latency from proposal to durable.
 */
final class GroupCommitLoad {

    /** One configuration's figures over the measured interval. */
    record Result(int producers, int window, double seconds, long entries, double entriesPerSecond,
                  double payloadMegabytesPerSecond, double fsyncsPerSecond, double entriesPerFsync,
                  double p50LatencyMicros, double p99LatencyMicros, double p999LatencyMicros) {
    }

    private record Proposal(Semaphore window, long startNanos) {
    }

    private final int producers;
    private final int window;
    private final byte[] payload;
    private final LinkedBlockingQueue<Proposal> proposals = new LinkedBlockingQueue<>();
    private final ConcurrentLinkedQueue<List<Proposal>> awaitingDurability = new ConcurrentLinkedQueue<>();
    private final Recorder latency = new Recorder(3);
    private final AtomicLong completed = new AtomicLong();
    private volatile boolean running = true;

    GroupCommitLoad(int producers, int window, int entryBytes) {
        this.producers = producers;
        this.window = window;
        this.payload = new byte[entryBytes];
        java.util.Arrays.fill(payload, (byte) 'x'); // Entry data is never modified, so one array serves all
    }

    Result run(Path dir, double warmupSeconds, double measureSeconds) throws Exception {
        StorageConfig config = StorageConfig.defaults(dir, "bench", 1);
        try (FileRaftStorage storage = FileRaftStorage.open(config)) {
            storage.recover();
            GroupCommitWriter writer = new GroupCommitWriter(storage, new GroupCommitWriter.Listener() {
                @Override
                public void persisted(Ready ready) {
                    complete();
                }

                @Override
                public void failed(Throwable cause) {
                    running = false;
                    cause.printStackTrace();
                }
            }, null);
            Thread consensus = new Thread(() -> sequence(writer), "bench-consensus");
            consensus.start();
            List<Thread> clients = new ArrayList<>();
            for (int i = 0; i < producers; i++) {
                Thread t = new Thread(this::produce, "bench-producer-" + i);
                t.setDaemon(true);
                t.start();
                clients.add(t);
            }
            pause(warmupSeconds);
            latency.getIntervalHistogram(); // drop the warm-up
            long entries0 = completed.get();
            long syncs0 = writer.stats().syncs();
            long t0 = System.nanoTime();
            pause(measureSeconds);
            long entries = completed.get() - entries0;
            long syncs = writer.stats().syncs() - syncs0;
            double seconds = (System.nanoTime() - t0) / 1e9;
            Histogram histogram = latency.getIntervalHistogram();
            running = false;
            consensus.interrupt();
            consensus.join();
            clients.forEach(Thread::interrupt);
            writer.close();
            if (writer.failure() != null) {
                throw new IOException("storage failed during the benchmark", writer.failure());
            }
            return new Result(producers, window, seconds, entries, entries / seconds,
                    entries * (double) payload.length / seconds / 1e6, syncs / seconds,
                    syncs == 0 ? 0 : (double) entries / syncs, histogram.getValueAtPercentile(50),
                    histogram.getValueAtPercentile(99), histogram.getValueAtPercentile(99.9));
        }
    }

    private void produce() {
        Semaphore outstanding = new Semaphore(window);
        try {
            while (running) {
                outstanding.acquire();
                proposals.add(new Proposal(outstanding, System.nanoTime()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The consensus thread: one Ready per round with every proposal that arrived meanwhile. */
    private void sequence(GroupCommitWriter writer) {
        long nextIndex = 1;
        List<Proposal> batch = new ArrayList<>();
        try {
            while (running) {
                batch.add(proposals.take());
                proposals.drainTo(batch);
                List<Entry> entries = new ArrayList<>(batch.size());
                for (int i = 0; i < batch.size(); i++) {
                    entries.add(Entry.normal(nextIndex++, 1, payload));
                }
                awaitingDurability.add(batch);
                writer.submit(new Ready(new HardState(1, 1, nextIndex - 1 - batch.size()), List.of(), null, entries,
                        List.of(), List.of(), List.of(), List.of()));
                batch = new ArrayList<>();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (running) {
                throw e;
            }
        }
    }

    /** Disk thread: Readys complete in order, so the oldest batch awaiting durability is this one. */
    private void complete() {
        List<Proposal> batch = awaitingDurability.poll();
        long now = System.nanoTime();
        for (Proposal p : batch) {
            latency.recordValue((now - p.startNanos) / 1000);
            p.window.release();
        }
        completed.addAndGet(batch.size());
    }

    private static void pause(double seconds) throws InterruptedException {
        Thread.sleep((long) (seconds * 1000)); // the benchmark's measuring interval, not a wait for a condition
    }
}
