package io.raftkv.client;

import java.util.concurrent.ConcurrentLinkedQueue;

/** Sessions free for the next write; concurrent writes each take their own. */
final class SessionPool {
    private final ConcurrentLinkedQueue<Session> free = new ConcurrentLinkedQueue<>();

    Session take() {
        Session s = free.poll();
        return s != null ? s : new Session();
    }

    void release(Session s) {
        free.add(s);
    }
}
