package io.raftkv.raft;

import java.util.Map;
import java.util.TreeMap;

/**
 * The membership configurations in the log, by index. The last one is in force whether committed or not
 * (thesis §4.1: a server uses the latest configuration in its log), so a truncated suffix takes its
 * configurations with it; the earlier ones are kept back to the snapshot, which carries the one in force there.
 */
final class ConfigHistory {
    private final TreeMap<Long, Membership> configs = new TreeMap<>();

    /** Starts from the configuration in force at the snapshot's index. */
    ConfigHistory(long snapshotIndex, Membership atSnapshot) {
        configs.put(snapshotIndex, atSnapshot);
    }

    /** The configuration in force: the latest in the log. */
    Membership current() {
        return configs.lastEntry().getValue();
    }

    /** The index of the entry that holds the configuration in force. */
    long currentIndex() {
        return configs.lastKey();
    }

    /** Whether the configuration in force is committed (no change is in flight; thesis §4.1 allows one). */
    boolean currentIsCommitted(long committed) {
        return configs.lastKey() <= committed;
    }

    /** The configuration in force at {@code index}. */
    Membership at(long index) {
        return configs.floorEntry(index).getValue();
    }

    /** A membership entry at {@code index} was appended: it is in force now. */
    void appended(long index, Membership m) {
        configs.put(index, m);
    }

    /** The log was truncated from {@code index}: configurations from there on never happened. */
    void truncatedFrom(long index) {
        configs.tailMap(index, true).clear();
    }

    /** The log was compacted through {@code index}: only the configuration in force there is still needed. */
    void compactedTo(long index) {
        Long floor = configs.floorKey(index);
        configs.headMap(floor, false).clear();
    }

    /** A snapshot replaced the whole log (§7). */
    void restored(SnapshotMeta snapshot) {
        configs.clear();
        configs.put(snapshot.index(), snapshot.membership());
    }

    /**
     * Whether {@code id} may campaign: it is a voter in its latest configuration, or that configuration
     * removes it but is not committed yet and it was a voter before. The second case is a leader that removed
     * itself and crashed before the change reached a majority (thesis §4.2.2: it keeps managing the cluster
     * until the change commits): without it, a two-voter cluster {L, F} would wait forever, F needing L's
     * vote and L refusing it for having the newer log. Votes are still counted in the latest configuration.
     */
    boolean mayCampaign(long id, long committed) {
        if (current().isVoter(id)) {
            return true;
        }
        long latest = configs.lastKey();
        if (latest <= committed) {
            return false;
        }
        Map.Entry<Long, Membership> previous = configs.lowerEntry(latest);
        return previous != null && previous.getValue().isVoter(id);
    }
}
