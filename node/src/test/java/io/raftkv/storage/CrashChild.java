package io.raftkv.storage;

import io.raftkv.raft.Entry;
import io.raftkv.raft.HardState;
import io.raftkv.raft.Ready;
import io.raftkv.raft.RecoveredState;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

/**
 * The process {@link CrashTest} kills. It recovers the data directory, then writes as fast as it can through a
 * {@link GroupCommitWriter} — appends, overwrites of unacknowledged entries under a new term, hard states —
 * while a second thread takes snapshots and compacts, until it is killed. Before submitting a Ready it prints
 * {@code S <id> <first index> <count> <term> <hard state term> <vote> <commit>} (hard state fields "-" if none),
 * and when a Ready is persisted it prints {@code A <id>}. Each line is one write(2) to the pipe, so a kill leaves
 * whole lines plus at most one partial line, which the parent ignores.
 */
public final class CrashChild {

    private static final FileOutputStream STDOUT = new FileOutputStream(FileDescriptor.out);
    private static final long MAX_RUN_NANOS = 60_000_000_000L; // never outlive a dead parent for long

    /** What has been submitted: the term of every index after the recovered snapshot. */
    private final List<Long> terms = new ArrayList<>();
    private final TreeMap<Integer, Long> inFlightFirstIndex = new TreeMap<>();
    private final Map<Ready, Integer> ids = new IdentityHashMap<>();
    private final Semaphore window = new Semaphore(8);
    private long base;
    private long acknowledgedThrough;
    private long snapshotIndex;

    public static void main(String[] args) throws Exception {
        new CrashChild().run(Path.of(args[0]), Long.parseLong(args[1]));
    }

    private void run(Path dir, long seed) throws Exception {
        Random random = new Random(seed);
        StorageConfig config = CrashTest.config(dir);
        FileRaftStorage storage = FileRaftStorage.open(config);
        RecoveredState state = storage.recover();
        base = state.snapshot().index();
        snapshotIndex = base;
        long term = Math.max(state.hardState().term(), state.snapshot().term());
        for (Entry e : state.entries()) {
            terms.add(e.term());
            term = Math.max(term, e.term());
        }
        term++; // a new life, a new term: as after an election
        acknowledgedThrough = lastIndex();
        print("READY " + lastIndex());

        GroupCommitWriter writer = new GroupCommitWriter(storage, new GroupCommitWriter.Listener() {
            @Override
            public void persisted(Ready ready) {
                acknowledge(ready);
            }

            @Override
            public void failed(Throwable cause) {
                cause.printStackTrace();
                System.exit(2);
            }
        }, null);
        ExecutorService snapshotter = Executors.newSingleThreadExecutor();
        long started = System.nanoTime();
        int id = 0;
        long entriesSinceSnapshot = 0;
        while (System.nanoTime() - started < MAX_RUN_NANOS) {
            window.acquire();
            id++;
            Ready ready;
            synchronized (this) {
                long from = lastIndex() + 1;
                long floor = Math.max(acknowledgedThrough, snapshotIndex); // never rewrite what was acknowledged
                if (random.nextInt(100) < 7 && lastIndex() > floor) {
                    term++;
                    from = floor + 1 + random.nextInt((int) (lastIndex() - floor));
                }
                int count = 1 + random.nextInt(20);
                HardState hs = random.nextInt(100) < 30 ? new HardState(term, 1, acknowledgedThrough) : null;
                ready = StorageFixtures.ready(hs, CrashTest.entries(from, from + count - 1, term));
                print("S " + id + " " + from + " " + count + " " + term + " "
                        + (hs == null ? "- - -" : hs.term() + " " + hs.vote() + " " + hs.commit()));
                while (lastIndex() >= from) {
                    terms.remove(terms.size() - 1);
                }
                for (int i = 0; i < count; i++) {
                    terms.add(term);
                }
                inFlightFirstIndex.put(id, from);
                ids.put(ready, id);
                entriesSinceSnapshot += count;
            }
            writer.submit(ready);
            if (entriesSinceSnapshot > 400) { // snapshot state the log can no longer lose or rewrite
                entriesSinceSnapshot = 0;
                long index = snapshotCandidate();
                if (index > snapshotIndex) {
                    long snapshotTerm = termAt(index);
                    snapshotIndex = index;
                    long compactTo = Math.max(base, index - random.nextInt(100));
                    snapshotter.execute(() -> snapshot(storage, index, snapshotTerm, compactTo));
                }
            }
        }
        System.exit(3);
    }

    private synchronized void acknowledge(Ready ready) {
        int id = ids.remove(ready);
        inFlightFirstIndex.remove(id);
        acknowledgedThrough = ready.lastEntry().index(); // each Ready ends the log at its last entry
        print("A " + id);
        window.release();
    }

    /** The newest index no submitted or future Ready can rewrite: acknowledged, and below every Ready in flight. */
    private synchronized long snapshotCandidate() {
        long index = acknowledgedThrough;
        for (long first : inFlightFirstIndex.values()) {
            index = Math.min(index, first - 1);
        }
        return index;
    }

    private synchronized long termAt(long index) {
        return terms.get((int) (index - base - 1));
    }

    private long lastIndex() {
        return base + terms.size();
    }

    private static void snapshot(FileRaftStorage storage, long index, long term, long compactTo) {
        try {
            StorageFixtures.save(storage, index, term, CrashTest.snapshotBytes(index, term));
            storage.compact(compactTo);
        } catch (IOException | RuntimeException e) {
            e.printStackTrace();
            System.exit(4);
        }
    }

    private static synchronized void print(String line) {
        try {
            STDOUT.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            System.exit(5); // the parent is gone
        }
    }
}
