package io.raftkv.storage;

import io.raftkv.raft.Entry;
import io.raftkv.raft.HardState;
import io.raftkv.raft.RecoveredState;
import io.raftkv.raft.SnapshotMeta;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.raftkv.storage.StorageFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random sequences of everything the core asks of storage — appends, conflicting overwrites, hard states, local
 * snapshots with compaction, received snapshots that match or replace the log — with tiny segments, restarting
 * now and then; after every restart the recovered state must equal an in-memory model of the log. Overwrites
 * and snapshots follow Raft's rules (nothing committed is overwritten; snapshots only of committed state).
 */
class StorageModelTest {

    private static final int SEEDS = Integer.getInteger("storage.model.seeds", 6);
    private static final int STEPS = 400;

    @TempDir
    Path root;

    /** The log as Raft sees it: a snapshot base and the terms of the entries after it. */
    private static final class Model {
        long snapshotIndex;
        long snapshotTerm;
        final List<Long> terms = new ArrayList<>(); // terms.get(i) is the term of index snapshotIndex + 1 + i
        HardState hardState = HardState.EMPTY;
        long commit;
        long term = 1;

        long lastIndex() {
            return snapshotIndex + terms.size();
        }

        long termAt(long index) {
            return index == snapshotIndex ? snapshotTerm : terms.get((int) (index - snapshotIndex - 1));
        }

        List<Entry> entries() {
            List<Entry> list = new ArrayList<>();
            for (int i = 0; i < terms.size(); i++) {
                list.add(entry(snapshotIndex + 1 + i, terms.get(i)));
            }
            return list;
        }
    }

    @Test
    void recoveredStateAlwaysMatchesTheModel() throws IOException {
        for (int seed = 1; seed <= SEEDS; seed++) {
            run(seed);
        }
    }

    private void run(long seed) throws IOException {
        Random random = new Random(seed);
        StorageConfig config = config(root.resolve("seed" + seed)).withSegmentBytes(4096)
                .withPreallocate(random.nextBoolean());
        Model model = new Model();
        FileRaftStorage storage = FileRaftStorage.open(config);
        storage.recover();
        try {
            for (int step = 0; step < STEPS; step++) {
                int op = random.nextInt(100);
                if (op < 45) {
                    append(storage, model, model.lastIndex() + 1, 1 + random.nextInt(20));
                } else if (op < 55) {
                    if (model.lastIndex() > model.commit) {
                        model.term++;
                        long from = model.commit + 1 + (long) random.nextInt((int) (model.lastIndex() - model.commit));
                        append(storage, model, from, 1 + random.nextInt(20));
                    }
                } else if (op < 65) {
                    model.commit = model.commit + (long) random.nextInt((int) (model.lastIndex() - model.commit) + 1);
                    HardState hs = new HardState(model.term, random.nextInt(4), model.commit);
                    storage.saveHardState(hs);
                    model.hardState = hs;
                } else if (op < 72) {
                    if (model.commit > model.snapshotIndex) {
                        long index = model.commit;
                        long term = model.termAt(index);
                        StorageFixtures.save(storage, index, term, snapshotBytes(index, 100));
                        long compactTo = Math.max(model.snapshotIndex, index - random.nextInt(30));
                        storage.compact(compactTo);
                        rebase(model, index, term);
                    }
                } else if (op < 77) {
                    installReceived(storage, model, random);
                } else if (op < 92) {
                    storage.sync();
                } else {
                    storage.sync();
                    storage.close();
                    storage = FileRaftStorage.open(config);
                    RecoveredState state = storage.recover();
                    check(seed, step, model, state, storage);
                }
            }
            storage.sync();
        } finally {
            storage.close();
        }
        try (FileRaftStorage last = FileRaftStorage.open(config)) {
            check(seed, STEPS, model, last.recover(), last);
            // Once the log moves on past two segments of plain appends, all committed and snapshotted, compaction
            // must reclaim every older segment (an overwrite may pin old segments only until then).
            long from = model.lastIndex() + 1;
            long index = from + 60;
            last.append(entries(from, index, model.term));
            last.saveHardState(new HardState(model.term, 0, index));
            last.sync();
            StorageFixtures.save(last, index, model.term, snapshotBytes(index, 10));
            last.compact(index);
            assertThat(last.segmentFiles().size()).as("segments kept, seed %d", seed).isLessThanOrEqualTo(2);
        }
    }

    private static void append(FileRaftStorage storage, Model model, long from, int count) throws IOException {
        List<Entry> batch = entries(from, from + count - 1, model.term);
        storage.append(batch);
        while (model.lastIndex() >= from) {
            model.terms.remove(model.terms.size() - 1);
        }
        for (int i = 0; i < count; i++) {
            model.terms.add(model.term);
        }
    }

    /** A leader's snapshot: at a committed index of our log, or past what we hold; either way it replaces the log. */
    private static void installReceived(FileRaftStorage storage, Model model, Random random) throws IOException {
        long index;
        long term;
        if (random.nextBoolean() && model.commit > model.snapshotIndex) {
            index = model.snapshotIndex + 1 + random.nextInt((int) (model.commit - model.snapshotIndex));
            term = model.termAt(index);
        } else {
            model.term++;
            index = model.commit + 1 + random.nextInt(40);
            term = model.term;
        }
        byte[] state = snapshotBytes(index, random.nextInt(3000));
        SnapshotMeta meta = new SnapshotMeta(index, term, MEMBERS, state.length);
        FileRaftStorageTest.receive(storage, meta, state, 1 + random.nextInt(1500));
        storage.installSnapshot(meta);
        model.terms.clear(); // §7: the snapshot replaces the whole log
        model.snapshotIndex = index;
        model.snapshotTerm = term;
        model.commit = index; // as the core restarts its log at the snapshot
    }

    private static void rebase(Model model, long index, long term) {
        boolean match = index <= model.lastIndex() && model.termAt(index) == term;
        if (match) {
            model.terms.subList(0, (int) (index - model.snapshotIndex)).clear();
        } else {
            model.terms.clear();
        }
        model.snapshotIndex = index;
        model.snapshotTerm = term;
    }

    private static void check(long seed, int step, Model model, RecoveredState state, FileRaftStorage storage)
            throws IOException {
        String where = "seed " + seed + " step " + step;
        assertThat(state.snapshot().index()).as(where).isEqualTo(model.snapshotIndex);
        assertThat(state.snapshot().term()).as(where).isEqualTo(model.snapshotTerm);
        assertThat(state.entries()).as(where).isEqualTo(model.entries());
        HardState hs = model.hardState;
        assertThat(state.hardState()).as(where)
                .isEqualTo(new HardState(hs.term(), hs.vote(), Math.max(hs.commit(), model.snapshotIndex)));
        if (model.snapshotIndex > 0) {
            try (InputStream in = storage.openSnapshot(state.snapshot())) {
                assertThat(in.readAllBytes()).as(where)
                        .isEqualTo(snapshotBytes(model.snapshotIndex, (int) state.snapshot().sizeBytes()));
            }
        }
    }
}
