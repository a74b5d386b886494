package io.raftkv.kv;

/**
 * One version of a key: a live value, or a tombstone (value null) recording the revision of a delete. It is also
 * the {@link KeyHistory} of a key whose older versions are not kept (the common case once compacted): a key then
 * costs what it cost before history existed (a header, one reference, four longs). Arrays are never modified
 * after creation, which is what lets readers on other threads use them without locks.
 */
record StoredValue(byte[] value, long createRevision, long modRevision, long version, long lease)
        implements KeyHistory {

    static StoredValue tombstone(long revision) {
        return new StoredValue(null, 0, revision, 0, 0);
    }

    boolean isTombstone() {
        return value == null;
    }

    KeyValue toKeyValue(byte[] key) {
        return new KeyValue(Bytes.wrap(key), Bytes.wrap(value), createRevision, modRevision, version, lease);
    }

    @Override
    public StoredValue latest() {
        return this;
    }

    @Override
    public StoredValue at(long revision) {
        return modRevision <= revision && !isTombstone() ? this : null;
    }

    @Override
    public KeyHistory append(StoredValue next) {
        return new VersionChain(new StoredValue[] {this, next});
    }

    @Override
    public KeyHistory replaceLatest(StoredValue next) {
        return next;
    }

    @Override
    public KeyHistory compact(long revision) {
        return isTombstone() && modRevision <= revision ? null : this;
    }

    @Override
    public int versionCount() {
        return 1;
    }

    @Override
    public StoredValue version(int i) {
        if (i != 0) {
            throw new IndexOutOfBoundsException(i);
        }
        return this;
    }
}
