package io.raftkv.loadgen;

/**
 * A system under test, opened with a fixed number of connections that the run's clients share round robin
 * (client {@code i} uses connection {@code i % connections()}). Closing it closes every connection.
 */
public interface BenchTarget extends AutoCloseable {
    /** What the report names as the target, e.g. {@code etcd://127.0.0.1:2379}. */
    String description();

    int connections();

    /** @param index 0 ≤ index &lt; {@link #connections()} */
    TargetConnection connection(int index);

    @Override
    void close();
}
