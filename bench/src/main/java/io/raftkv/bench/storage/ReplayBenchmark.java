package io.raftkv.bench.storage;

import io.raftkv.raft.Entry;
import io.raftkv.raft.HardState;
import io.raftkv.raft.RecoveredState;
import io.raftkv.storage.FileRaftStorage;
import io.raftkv.storage.StorageConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Start-up time: writes {@code entries} entries, then times open + recover (replay of the whole log). */
final class ReplayBenchmark {

    /** @param runsMillis each recovery's wall time; the page cache is warm (the log was just written or read) */
    record Result(long entries, int entryBytes, long logBytes, List<Double> runsMillis, double bestMillis,
                  double entriesPerSecondBest) {
    }

    private ReplayBenchmark() {
    }

    static Result run(Path dir, long entries, int entryBytes, int runs) throws IOException {
        StorageConfig config = StorageConfig.defaults(dir, "bench", 1);
        byte[] payload = new byte[entryBytes];
        try (FileRaftStorage storage = FileRaftStorage.open(config)) {
            storage.recover();
            for (long first = 1; first <= entries; first += 1000) {
                List<Entry> batch = new ArrayList<>(1000);
                for (long i = first; i < first + 1000 && i <= entries; i++) {
                    batch.add(Entry.normal(i, 1, payload));
                }
                storage.append(batch);
                storage.saveHardState(new HardState(1, 1, first));
                storage.sync();
            }
        }
        long logBytes = 0;
        try (var files = java.nio.file.Files.list(dir.resolve("wal"))) {
            for (Path f : (Iterable<Path>) files::iterator) {
                logBytes += java.nio.file.Files.size(f);
            }
        }
        List<Double> millis = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            System.gc(); // start each run from a clean heap: the previous run's entries are garbage
            long t0 = System.nanoTime();
            try (FileRaftStorage storage = FileRaftStorage.open(config)) {
                RecoveredState state = storage.recover();
                millis.add((System.nanoTime() - t0) / 1e6);
                if (state.entries().size() != entries) {
                    throw new IllegalStateException("recovered " + state.entries().size() + " of " + entries);
                }
            }
        }
        double best = millis.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        return new Result(entries, entryBytes, logBytes, millis, best, entries / (best / 1000));
    }
}
