package io.raftkv.kv;

import io.raftkv.raft.Entry;
import io.raftkv.raft.EntryType;

/** Builds consecutive log entries for tests, tracking the next index. */
final class Log {
    private long nextIndex = 1;

    static Bytes b(String s) {
        return Bytes.utf8(s);
    }

    long nextIndex() {
        return nextIndex;
    }

    Entry command(KvCommand command) {
        return Entry.normal(nextIndex++, 1, KvCommandCodec.encode(command));
    }

    Entry raw(byte[] data) {
        return Entry.normal(nextIndex++, 1, data);
    }

    Entry noop() {
        return Entry.noop(nextIndex++, 1);
    }

    Entry membership() {
        return new Entry(nextIndex++, 1, EntryType.MEMBERSHIP, new byte[]{1, 2, 3});
    }

    static KvCommand put(long client, long seq, long ts, String key, String value) {
        return new KvCommand.Put(client, seq, ts, b(key), b(value));
    }

    static KvCommand delete(long client, long seq, long ts, String key) {
        return new KvCommand.Delete(client, seq, ts, b(key));
    }

    static KvCommand casValue(long client, long seq, long ts, String key, String expected, String value) {
        return new KvCommand.CompareAndSwap(client, seq, ts, b(key), new KvCommand.ValueEquals(b(expected)), b(value));
    }

    static KvCommand casVersion(long client, long seq, long ts, String key, long version, String value) {
        return new KvCommand.CompareAndSwap(client, seq, ts, b(key), new KvCommand.VersionEquals(version), b(value));
    }
}
