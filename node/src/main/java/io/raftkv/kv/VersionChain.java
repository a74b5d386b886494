package io.raftkv.kv;

import java.util.Arrays;

/** A key with more than one retained version (see {@link KeyHistory}); oldest first. */
final class VersionChain implements KeyHistory {

    private final StoredValue[] versions;

    VersionChain(StoredValue[] versions) {
        this.versions = versions;
    }

    @Override
    public StoredValue latest() {
        return versions[versions.length - 1];
    }

    @Override
    public StoredValue at(long revision) {
        int i = indexAtOrBelow(revision);
        if (i < 0) {
            return null;
        }
        StoredValue v = versions[i];
        return v.isTombstone() ? null : v;
    }

    @Override
    public KeyHistory append(StoredValue next) {
        StoredValue[] grown = Arrays.copyOf(versions, versions.length + 1);
        grown[versions.length] = next;
        return new VersionChain(grown);
    }

    @Override
    public KeyHistory replaceLatest(StoredValue next) {
        StoredValue[] copy = versions.clone();
        copy[copy.length - 1] = next;
        return new VersionChain(copy);
    }

    @Override
    public KeyHistory compact(long revision) {
        int keepFrom = indexAtOrBelow(revision);
        if (keepFrom < 0) {
            return this;
        }
        if (versions[keepFrom].isTombstone()) {
            keepFrom++;
        }
        int left = versions.length - keepFrom;
        if (left == 0) {
            return null;
        }
        if (left == 1) {
            return versions[keepFrom];
        }
        return keepFrom == 0 ? this : new VersionChain(Arrays.copyOfRange(versions, keepFrom, versions.length));
    }

    @Override
    public int versionCount() {
        return versions.length;
    }

    @Override
    public StoredValue version(int i) {
        return versions[i];
    }

    /** Index of the newest version with modRevision &le; revision, or -1. */
    private int indexAtOrBelow(long revision) {
        int lo = 0;
        int hi = versions.length - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (versions[mid].modRevision() <= revision) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }
}
