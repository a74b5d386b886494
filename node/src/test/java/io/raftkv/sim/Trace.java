package io.raftkv.sim;

/**
 * The last few events of a run, kept in a ring buffer and formatted only when a run fails, so that tracing
 * costs one array store per step.
 */
final class Trace {

    private record Line(long step, long time, String kind, long node, Object detail) {
    }

    private final Line[] ring;
    private long count;

    Trace(int capacity) {
        ring = new Line[capacity];
    }

    void record(long step, long time, String kind, long node, Object detail) {
        ring[(int) (count++ % ring.length)] = new Line(step, time, kind, node, detail);
    }

    /** The recorded lines, oldest first, one per line. */
    String format() {
        StringBuilder sb = new StringBuilder();
        long first = Math.max(0, count - ring.length);
        for (long i = first; i < count; i++) {
            Line l = ring[(int) (i % ring.length)];
            sb.append(String.format("  step %-7d t=%-8d %-10s", l.step, l.time, l.kind));
            if (l.node != 0) {
                sb.append(" n").append(l.node);
            }
            if (l.detail != null) {
                sb.append(' ').append(l.detail);
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
