package io.raftkv.loadgen;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BooleanSupplier;

/**
 * One client: issues one operation at a time on its connection until the phase's budget runs out, and records
 * each outcome. Latency runs from the operation's due time (see {@link Pacer}) to its answer.
 */
final class ClientLoop implements Runnable {
    private final TargetConnection connection;
    private final OpPlan plan;
    private final KeySpace keys;
    private final byte[] value;
    private final ReadConsistency consistency;
    private final AtomicLongArray casVersions;
    private final SplittableRandom random;
    private final Pacer pacer;
    private final OpBudget budget;
    private final PhaseRecorder recorder;
    private final BooleanSupplier aborted;

    ClientLoop(TargetConnection connection, OpPlan plan, KeySpace keys, byte[] value, ReadConsistency consistency,
               AtomicLongArray casVersions, SplittableRandom random, Pacer pacer, OpBudget budget,
               PhaseRecorder recorder, BooleanSupplier aborted) {
        this.connection = connection;
        this.plan = plan;
        this.keys = keys;
        this.value = value;
        this.consistency = consistency;
        this.casVersions = casVersions;
        this.random = random;
        this.pacer = pacer;
        this.budget = budget;
        this.recorder = recorder;
        this.aborted = aborted;
    }

    @Override
    public void run() {
        while (!aborted.getAsBoolean()) {
            long due = pacer.claim();
            if (!budget.take(due)) {
                return;
            }
            Pacer.awaitDue(due);
            OpKind kind = plan.nextKind(random);
            long keyIndex = plan.nextKey(random);
            byte[] key = keys.key(keyIndex);
            try {
                execute(kind, keyIndex, key);
                recorder.success(kind, System.nanoTime() - due);
            } catch (TargetException e) {
                recorder.failure(e.kind());
            } catch (RuntimeException e) {
                recorder.failure(e.getClass().getSimpleName());
            }
        }
    }

    private void execute(OpKind kind, long keyIndex, byte[] key) throws TargetException {
        switch (kind) {
            case PUT -> connection.put(key, value);
            case GET -> connection.get(key, consistency);
            case CAS -> {
                int slot = (int) keyIndex;
                CasResult result = connection.compareAndSwap(key, casVersions.get(slot), value);
                // Remember the newest version seen, for whichever client picks this key next; a conflict means
                // another client wrote the key since our last look, which is an answer, not an error.
                casVersions.accumulateAndGet(slot, result.version(), Math::max);
                if (!result.succeeded()) {
                    recorder.casConflict();
                }
            }
        }
    }
}
