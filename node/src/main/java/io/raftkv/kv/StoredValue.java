package io.raftkv.kv;

/**
 * What the map holds per key, besides the key array in the map node: kept this small on purpose (a header,
 * one reference, three longs) because it is paid once per key. The array is never modified after creation,
 * which is what lets readers on other threads use it without locks.
 */
record StoredValue(byte[] value, long createRevision, long modRevision, long version) {

    KeyValue toKeyValue(byte[] key) {
        return new KeyValue(Bytes.wrap(key), Bytes.wrap(value), createRevision, modRevision, version);
    }
}
