package io.raftkv.kv;

import java.util.Arrays;
import java.util.Objects;

/**
 * The keys a request names, as etcd does: {@code end} empty means the single key {@code key}; {@code end} equal
 * to the one byte {@code \0} means every key &ge; {@code key}; otherwise the half-open {@code [key, end)} (empty
 * when {@code end <= key}). A prefix is {@code [prefix, prefixEnd(prefix))}.
 */
public record KeyRange(Bytes key, Bytes end) {

    public KeyRange {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(end, "end");
    }

    public static KeyRange single(Bytes key) {
        return new KeyRange(key, Bytes.EMPTY);
    }

    public static KeyRange prefix(Bytes prefix) {
        return new KeyRange(prefix, prefixEnd(prefix));
    }

    /**
     * The smallest key greater than every key starting with {@code prefix}: the prefix with its last byte below
     * 0xff incremented and the rest cut; {@code \0} (every key) when there is none such (etcd's GetPrefixRangeEnd).
     */
    public static Bytes prefixEnd(Bytes prefix) {
        byte[] p = prefix.array();
        for (int i = p.length - 1; i >= 0; i--) {
            if (p[i] != (byte) 0xff) {
                byte[] end = Arrays.copyOf(p, i + 1);
                end[i]++;
                return Bytes.wrap(end);
            }
        }
        return Bytes.wrap(new byte[] {0});
    }

    public boolean isSingleKey() {
        return end.isEmpty();
    }

    /** True when the range is every key from {@code key} on. */
    public boolean isFromKey() {
        return end.length() == 1 && end.byteAt(0) == 0;
    }

    boolean contains(byte[] candidate) {
        if (isSingleKey()) {
            return Arrays.equals(candidate, key.array());
        }
        return Arrays.compareUnsigned(candidate, key.array()) >= 0
                && (isFromKey() || Arrays.compareUnsigned(candidate, end.array()) < 0);
    }
}
