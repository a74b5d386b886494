package io.raftkv.operator.e2e;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A client history of write-once keys (each key written with one value, absent before; retries of that write
 * count as one write that began with the first attempt and was acknowledged by the first 2xx) and the reads,
 * with a linearizability check. Linearizability is local (Herlihy and Wing, 1990): the history is
 * linearizable iff each key's sub-history is. A write-once register has two states, absent and its one value,
 * so a key's sub-history is linearizable iff every read is explained by some point within its interval:
 * <ul>
 *   <li>a read that returned the value did not end before the write began (no value from the future);</li>
 *   <li>a read that returned absent did not begin after the write was acknowledged (no stale read);</li>
 *   <li>no read returned absent after another read of the key that returned the value had ended (no going back).</li>
 * </ul>
 * A write without an answer (timeout, error) may or may not have happened: it never ends, so only the first
 * rule applies to it. Times are System.nanoTime() on the one client machine.
 */
final class RegisterHistory {

    /** One operation: a write of {@code value}, or a read that returned {@code value} (null: absent). */
    record Op(boolean write, String key, String value, long invokedNanos, long completedNanos, boolean answered) {
    }

    private final ConcurrentLinkedQueue<Op> ops = new ConcurrentLinkedQueue<>();

    void write(String key, String value, long invoked, long completed, boolean acknowledged) {
        ops.add(new Op(true, key, value, invoked, acknowledged ? completed : Long.MAX_VALUE, acknowledged));
    }

    void read(String key, String value, long invoked, long completed) {
        ops.add(new Op(false, key, value, invoked, completed, true));
    }

    int reads() {
        return (int) ops.stream().filter(o -> !o.write()).count();
    }

    /** Descriptions of the reads no linearization explains; empty when the history is linearizable. */
    List<String> violations() {
        Map<String, Op> writes = new HashMap<>();
        Map<String, List<Op>> readsByKey = new HashMap<>();
        for (Op op : ops) {
            if (op.write()) {
                writes.merge(op.key(), op, (a, b) -> new Op(true, a.key(), a.value(),
                        Math.min(a.invokedNanos(), b.invokedNanos()), Math.min(a.completedNanos(), b.completedNanos()),
                        a.answered() || b.answered()));
            } else {
                readsByKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
            }
        }
        List<String> violations = new ArrayList<>();
        readsByKey.forEach((key, reads) -> {
            Op w = writes.get(key);
            long firstValueReadEnd = Long.MAX_VALUE;
            for (Op r : reads) {
                if (r.value() != null) {
                    if (w == null || !w.value().equals(r.value())) {
                        violations.add(key + ": read " + r.value() + ", which was never written");
                    } else if (r.completedNanos() < w.invokedNanos()) {
                        violations.add(key + ": read the value before its write began");
                    }
                    firstValueReadEnd = Math.min(firstValueReadEnd, r.completedNanos());
                } else if (w != null && w.answered() && r.invokedNanos() > w.completedNanos()) {
                    violations.add(key + ": read absent " + (r.invokedNanos() - w.completedNanos()) / 1_000_000
                            + " ms after the write was acknowledged");
                }
            }
            for (Op r : reads) {
                if (r.value() == null && r.invokedNanos() > firstValueReadEnd) {
                    violations.add(key + ": read absent after an earlier read had returned the value");
                }
            }
        });
        return violations;
    }
}
