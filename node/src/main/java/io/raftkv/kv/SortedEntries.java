package io.raftkv.kv;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.SortedMap;

/**
 * Keys already in ascending unsigned order with their values, seen as a {@link SortedMap} only so that
 * {@code new ConcurrentSkipListMap<>(sortedEntries)} builds its list in one linear pass (a snapshot restore),
 * rather than searching from the top for every insert. Add-only, iteration-only: the views a real sorted map
 * offers are not needed for that and are refused.
 */
final class SortedEntries extends AbstractMap<byte[], KeyHistory> implements SortedMap<byte[], KeyHistory> {
    private static final Comparator<byte[]> ORDER = Arrays::compareUnsigned;

    private final List<byte[]> keys = new ArrayList<>();
    private final List<KeyHistory> values = new ArrayList<>();

    /** Appends a key that the caller has checked to be greater than the last one. */
    void add(byte[] key, KeyHistory value) {
        keys.add(key);
        values.add(value);
    }

    @Override
    public Comparator<? super byte[]> comparator() {
        return ORDER;
    }

    @Override
    public Set<Entry<byte[], KeyHistory>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<byte[], KeyHistory>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < keys.size();
                    }

                    @Override
                    public Entry<byte[], KeyHistory> next() {
                        if (next >= keys.size()) {
                            throw new NoSuchElementException();
                        }
                        int i = next++;
                        return Map.entry(keys.get(i), values.get(i));
                    }
                };
            }

            @Override
            public int size() {
                return keys.size();
            }
        };
    }

    @Override
    public SortedMap<byte[], KeyHistory> subMap(byte[] fromKey, byte[] toKey) {
        throw new UnsupportedOperationException("iteration only");
    }

    @Override
    public SortedMap<byte[], KeyHistory> headMap(byte[] toKey) {
        throw new UnsupportedOperationException("iteration only");
    }

    @Override
    public SortedMap<byte[], KeyHistory> tailMap(byte[] fromKey) {
        throw new UnsupportedOperationException("iteration only");
    }

    @Override
    public byte[] firstKey() {
        throw new UnsupportedOperationException("iteration only");
    }

    @Override
    public byte[] lastKey() {
        throw new UnsupportedOperationException("iteration only");
    }
}
