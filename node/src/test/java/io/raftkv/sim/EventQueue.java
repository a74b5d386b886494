package io.raftkv.sim;

import java.util.PriorityQueue;

/**
 * The virtual clock and the agenda of a simulated run: events ordered by (virtual time, sequence number), so
 * two events due at the same instant run in the order they were scheduled. Nothing here reads a real clock.
 */
final class EventQueue {

    /** Something that happens at one instant of virtual time. */
    interface Action {
        void run();
    }

    /** A scheduled event; {@code kind}, {@code node} and {@code detail} describe it for the failure trace. */
    record Event(long time, long seq, String kind, long node, Object detail, Action action)
            implements Comparable<Event> {
        @Override
        public int compareTo(Event o) {
            int c = Long.compare(time, o.time);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private final PriorityQueue<Event> agenda = new PriorityQueue<>();
    private long now;
    private long nextSeq;

    long now() {
        return now;
    }

    void schedule(long delay, String kind, long node, Object detail, Action action) {
        if (delay < 0) {
            throw new IllegalArgumentException("negative delay " + delay);
        }
        agenda.add(new Event(now + delay, nextSeq++, kind, node, detail, action));
    }

    /** Time of the next event, or {@link Long#MAX_VALUE} if none. */
    long nextTime() {
        Event e = agenda.peek();
        return e == null ? Long.MAX_VALUE : e.time();
    }

    /** Removes the next event and advances the clock to it; the caller runs it. */
    Event poll() {
        Event e = agenda.poll();
        if (e != null) {
            now = e.time();
        }
        return e;
    }

}
