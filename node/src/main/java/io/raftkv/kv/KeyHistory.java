package io.raftkv.kv;

/**
 * The retained versions of one key, oldest first, with strictly increasing mod revisions: live values and
 * tombstones. Immutable: a write or a compaction replaces the key's history with a new one, so a reader pinned
 * to a revision never sees a half-made change (versions above its revision are invisible to it).
 */
sealed interface KeyHistory permits StoredValue, VersionChain {

    /** The newest version (possibly a tombstone). */
    StoredValue latest();

    /** The live version at {@code revision}, or null if the key did not exist then. */
    StoredValue at(long revision);

    /** This history with {@code next} (newer than every version here) added. */
    KeyHistory append(StoredValue next);

    /** This history with its latest version replaced by {@code next} (a second change in the same revision). */
    KeyHistory replaceLatest(StoredValue next);

    /**
     * The history after compaction at {@code revision} (etcd's semantics): versions below it are dropped except
     * the latest one at or below it, which is dropped too if it is a tombstone. Null when nothing is left.
     */
    KeyHistory compact(long revision);

    int versionCount();

    /** Version {@code i}, 0 being the oldest retained. */
    StoredValue version(int i);
}
