package io.raftkv.kv;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Client sessions for exactly-once writes (Ongaro's thesis §6.3): per client, the last sequence applied and
 * its result. Used only on the apply thread (and under the state machine's lock when captured).
 *
 * <p>Expiry is deterministic (thesis §6.3: "servers must agree on when a session expires"): time is the
 * <em>log clock</em>, the largest proposer timestamp applied so far — never the local clock — so every replica
 * expires the same sessions at the same log index. Taking the maximum keeps the clock monotonic when a new
 * leader's wall clock is behind the old one's. A session is idle once {@code clock - lastActive > ttl}.
 *
 * <p>The map is kept in order of {@code lastActive} (a touched session moves to the end, and {@code lastActive}
 * is the log clock, which never goes back), so expiring is a walk from the head: O(1) amortized per command.
 */
final class SessionTable {

    /** One client's session. {@code lastResult} is the answer to {@code lastSequence}. */
    record Session(long clientId, long lastSequence, long lastActiveMillis, KvResult lastResult) {
    }

    private final long ttlMillis;
    private final LinkedHashMap<Long, Session> byClient = new LinkedHashMap<>();
    private long clockMillis;

    SessionTable(long ttlMillis) {
        this.ttlMillis = ttlMillis;
    }

    long clockMillis() {
        return clockMillis;
    }

    int size() {
        return byClient.size();
    }

    /** Moves the log clock forward to {@code timestampMillis} (never back) and drops idle sessions. */
    void advanceClock(long timestampMillis) {
        clockMillis = Math.max(clockMillis, timestampMillis);
        Iterator<Session> oldestFirst = byClient.values().iterator();
        while (oldestFirst.hasNext()) {
            Session session = oldestFirst.next();
            if (clockMillis - session.lastActiveMillis() <= ttlMillis) {
                break;
            }
            oldestFirst.remove();
        }
    }

    /**
     * Decides whether a command may be applied. Returns null if it is new and must be applied (then call
     * {@link #record}); otherwise the answer to give without applying it: the original result for a retry,
     * or an error for a stale sequence or a missing session.
     */
    KvResult screen(long clientId, long sequence, long revision) {
        Session session = byClient.get(clientId);
        if (session == null) {
            if (sequence == 1) {
                return null;
            }
            return KvResult.error(KvResult.Code.SESSION_EXPIRED, "client " + Long.toUnsignedString(clientId)
                    + " has no session (expired, or it never sent sequence 1); sequence " + sequence
                    + " cannot be applied exactly once: start a new session", revision);
        }
        if (sequence > session.lastSequence()) {
            return null;
        }
        put(clientId, session.lastSequence(), session.lastResult());
        if (sequence == session.lastSequence()) {
            return session.lastResult();
        }
        return KvResult.error(KvResult.Code.STALE_SEQUENCE, "sequence " + sequence + " of client "
                + Long.toUnsignedString(clientId) + " is older than its last applied sequence "
                + session.lastSequence(), revision);
    }

    /** Records the result of a newly applied command. */
    void record(long clientId, long sequence, KvResult result) {
        put(clientId, sequence, result);
    }

    /** (Re)inserts at the end: the most recently active position. */
    private void put(long clientId, long sequence, KvResult result) {
        byClient.remove(clientId);
        byClient.put(clientId, new Session(clientId, sequence, clockMillis, result));
    }

    /** The sessions in ascending client id order: the canonical order written into snapshots. */
    List<Session> sessionsByClientId() {
        List<Session> sessions = new ArrayList<>(byClient.values());
        sessions.sort(Comparator.comparingLong(Session::clientId));
        return sessions;
    }

    /** Rebuilds a table from a snapshot; restores the by-activity order the expiry walk relies on. */
    static SessionTable restore(long ttlMillis, long clockMillis, List<Session> sessions) {
        SessionTable table = new SessionTable(ttlMillis);
        table.clockMillis = clockMillis;
        List<Session> byActivity = new ArrayList<>(sessions);
        byActivity.sort(Comparator.comparingLong(Session::lastActiveMillis).thenComparingLong(Session::clientId));
        for (Session session : byActivity) {
            table.byClient.put(session.clientId(), session);
        }
        return table;
    }
}
