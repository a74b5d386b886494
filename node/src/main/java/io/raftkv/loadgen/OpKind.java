package io.raftkv.loadgen;

import java.util.Locale;

/** The operations the generator issues; each gets its own latency histogram. */
public enum OpKind {
    PUT, GET, CAS;

    /** The lower-case name used in tables and JSON. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
