package io.raftkv.loadgen;

/** What each operation of a run does; named as etcd's {@code benchmark} tool names its commands. */
public enum Workload {
    /** Every operation writes a random key of the key space. */
    PUT,
    /** Every operation reads a random key, with the run's read consistency. */
    GET,
    /** Each operation is a read with the run's read ratio, otherwise a write. */
    MIXED,
    /** Every operation is a compare-and-swap on a random key, expecting the version last seen for it. */
    CAS
}
