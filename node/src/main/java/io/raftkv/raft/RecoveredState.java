package io.raftkv.raft;

import java.util.List;

/**
 * What a node finds in its storage when it starts: the hard state, the newest snapshot, and the log entries
 * after that snapshot (contiguous, starting at {@code snapshot.index() + 1}).
 */
public record RecoveredState(HardState hardState, SnapshotMeta snapshot, List<Entry> entries) {
    public RecoveredState {
        entries = List.copyOf(entries);
        long expected = snapshot.index() + 1;
        for (Entry e : entries) {
            if (e.index() != expected) {
                throw new IllegalArgumentException("recovered entries not contiguous: expected index " + expected
                        + " but found " + e.index());
            }
            expected++;
        }
    }

    /** A new node of a new cluster whose initial voters are {@code membership}. */
    public static RecoveredState bootstrap(Membership membership) {
        return new RecoveredState(HardState.EMPTY, SnapshotMeta.bootstrap(membership), List.of());
    }

    /** A new node that will join an existing cluster: it knows no members and waits for the leader. */
    public static RecoveredState joining() {
        return bootstrap(Membership.EMPTY);
    }
}
