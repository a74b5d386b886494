package io.raftkv.loadgen;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A target inside the generator's own process: a concurrent map with etcd's version counting. It shows what the
 * generator itself can drive on this machine, the ceiling for any real target.
 */
public final class InMemoryTarget implements BenchTarget, TargetConnection {
    private record Versioned(byte[] value, long version) {
    }

    private final ConcurrentMap<ByteBuffer, Versioned> map = new ConcurrentHashMap<>();
    private final int connections;

    public InMemoryTarget(int connections) {
        this.connections = connections;
    }

    @Override
    public String description() {
        return "mem://";
    }

    @Override
    public int connections() {
        return connections;
    }

    @Override
    public TargetConnection connection(int index) {
        if (index < 0 || index >= connections) {
            throw new IndexOutOfBoundsException("connection " + index + " of " + connections);
        }
        return this;
    }

    @Override
    public void put(byte[] key, byte[] value) {
        map.compute(ByteBuffer.wrap(key.clone()), (k, old) -> new Versioned(value, old == null ? 1 : old.version + 1));
    }

    @Override
    public boolean get(byte[] key, ReadConsistency consistency) {
        return map.get(ByteBuffer.wrap(key)) != null;
    }

    @Override
    public CasResult compareAndSwap(byte[] key, long expectedVersion, byte[] newValue) {
        boolean[] swapped = new boolean[1];
        Versioned after = map.compute(ByteBuffer.wrap(key.clone()), (k, old) -> {
            long current = old == null ? 0 : old.version;
            if (current != expectedVersion) {
                return old;
            }
            swapped[0] = true;
            return new Versioned(newValue, current + 1);
        });
        return new CasResult(swapped[0], after == null ? 0 : after.version);
    }

    /** The version of {@code key}, 0 if absent. */
    public long version(byte[] key) {
        Versioned v = map.get(ByteBuffer.wrap(key));
        return v == null ? 0 : v.version;
    }

    public int size() {
        return map.size();
    }

    @Override
    public void close() {
    }
}
