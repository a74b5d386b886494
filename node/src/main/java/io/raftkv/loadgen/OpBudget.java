package io.raftkv.loadgen;

import java.util.concurrent.atomic.AtomicLong;

/** Decides when a phase ends: after a number of operations, or when an operation would start after a deadline. */
interface OpBudget {
    /**
     * Takes the right to run one operation due at {@code dueNanos}.
     *
     * @return false when the phase is over (the caller stops)
     */
    boolean take(long dueNanos);

    static OpBudget ofCount(long operations) {
        AtomicLong left = new AtomicLong(operations);
        return due -> left.getAndDecrement() > 0;
    }

    static OpBudget until(long deadlineNanos) {
        return due -> due - deadlineNanos < 0 && System.nanoTime() - deadlineNanos < 0;
    }
}
