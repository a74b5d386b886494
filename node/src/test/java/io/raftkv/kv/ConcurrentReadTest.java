package io.raftkv.kv;

import io.raftkv.raft.Entry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Readers on other threads while the apply thread runs: every range page must be exactly the state after
 * some applied index (the one it reports), never a mix of two states.
 */
class ConcurrentReadTest {

    private static final int ENTRIES = 20_000;

    @Test
    @Timeout(30)
    void rangesSeeOneConsistentStateWhileApplying() throws Exception {
        Random random = new Random(3);
        Log log = new Log();
        List<Entry> entries = new ArrayList<>();
        List<List<KeyValue>> stateAfter = new ArrayList<>(); // index i: expected range after entry i
        TreeMap<Bytes, KeyValue> model = new TreeMap<>();
        stateAfter.add(List.of());
        for (int i = 1; i <= ENTRIES; i++) {
            Bytes key = Bytes.utf8("k" + random.nextInt(8));
            KeyValue prior = model.get(key);
            if (prior != null && random.nextInt(4) == 0) {
                entries.add(log.command(new KvCommand.Delete(1, i, 0, key)));
                model.remove(key);
            } else {
                Bytes value = Bytes.utf8("v" + i);
                entries.add(log.command(new KvCommand.Put(1, i, 0, key, value)));
                // Every entry changes the store: entry i makes revision i + 1 (an empty store is at revision 1).
                model.put(key, prior == null ? new KeyValue(key, value, i + 1, i + 1, 1)
                        : new KeyValue(key, value, prior.createRevision(), i + 1, prior.version() + 1));
            }
            stateAfter.add(List.copyOf(model.values()));
        }

        KvStateMachine sm = new KvStateMachine(Duration.ofMinutes(1));
        AtomicBoolean done = new AtomicBoolean();
        CountDownLatch started = new CountDownLatch(2);
        ExecutorService readers = Executors.newFixedThreadPool(2);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                results.add(readers.submit(() -> {
                    int checked = 0;
                    started.countDown();
                    do {
                        RangeResult page = sm.range(Bytes.EMPTY, null, 100);
                        assertThat(page.entries()).as("state after index %d", page.appliedIndex())
                                .isEqualTo(stateAfter.get((int) page.appliedIndex()));
                        checked++;
                    } while (!done.get());
                    return checked;
                }));
            }
            assertThat(started.await(20, TimeUnit.SECONDS)).as("readers started").isTrue();
            for (Entry entry : entries) {
                sm.apply(entry);
            }
            done.set(true);
            for (Future<Integer> result : results) {
                assertThat(result.get(20, TimeUnit.SECONDS)).isPositive();
            }
        } finally {
            done.set(true);
            readers.shutdownNow();
        }
        assertThat(sm.range(Bytes.EMPTY, null, 100).entries()).isEqualTo(stateAfter.get(ENTRIES));
    }
}
