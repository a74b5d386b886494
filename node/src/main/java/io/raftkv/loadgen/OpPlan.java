package io.raftkv.loadgen;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/** Chooses each operation of a client: its kind and its key's index. */
interface OpPlan {
    OpKind nextKind(SplittableRandom random);

    long nextKey(SplittableRandom random);

    /** The workload's plan: uniform random keys; for {@link Workload#MIXED} a read with probability readRatio. */
    static OpPlan of(BenchOptions options) {
        long keySpace = options.keySpace();
        OpKind fixed = switch (options.workload()) {
            case PUT -> OpKind.PUT;
            case GET -> OpKind.GET;
            case CAS -> OpKind.CAS;
            case MIXED -> null;
        };
        double readRatio = options.readRatio();
        return new OpPlan() {
            @Override
            public OpKind nextKind(SplittableRandom random) {
                if (fixed != null) {
                    return fixed;
                }
                return random.nextDouble() < readRatio ? OpKind.GET : OpKind.PUT;
            }

            @Override
            public long nextKey(SplittableRandom random) {
                return random.nextLong(keySpace);
            }
        };
    }

    /** Puts of keys 0, 1, 2, … shared by all clients: the prefill (its budget stops it at the key space). */
    static OpPlan sequentialPuts() {
        AtomicLong next = new AtomicLong();
        return new OpPlan() {
            @Override
            public OpKind nextKind(SplittableRandom random) {
                return OpKind.PUT;
            }

            @Override
            public long nextKey(SplittableRandom random) {
                return next.getAndIncrement();
            }
        };
    }
}
