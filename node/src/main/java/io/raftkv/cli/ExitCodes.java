package io.raftkv.cli;

import io.grpc.Status;
import io.raftkv.client.RaftKvException;

/** What the CLI's exit status means; scripts may rely on these. */
public final class ExitCodes {
    /** Done. */
    public static final int OK = 0;
    /** The key does not exist (get), or a compare-and-swap's condition did not hold (cas). */
    public static final int NOT_FOUND_OR_CONDITION_FAILED = 1;
    /** The command line is wrong (picocli's usage error). */
    public static final int USAGE = 2;
    /**
     * The cluster could not answer: no member reachable, no leader (no quorum), or the deadline passed; for
     * {@code status}: the cluster is down (no leader, or a majority of the voters does not answer).
     */
    public static final int UNAVAILABLE = 3;
    /** The server refused the request as invalid (bad key, value, ID or address). */
    public static final int INVALID = 4;
    /** The request is not possible now (membership or leadership rules); the message says why. */
    public static final int REFUSED = 5;
    /** A bad configuration (node and local). */
    public static final int CONFIG = 6;
    /** {@code status} only: the cluster has a leader and a quorum, but some member does not answer. */
    public static final int DEGRADED = 7;
    /** Anything else. */
    public static final int INTERNAL = 70;

    private ExitCodes() {
    }

    static int of(RaftKvException e) {
        Status.Code c = e.code();
        return switch (c) {
            case UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, CANCELLED -> UNAVAILABLE;
            case INVALID_ARGUMENT -> INVALID;
            case FAILED_PRECONDITION -> REFUSED;
            case NOT_FOUND -> NOT_FOUND_OR_CONDITION_FAILED;
            default -> INTERNAL;
        };
    }
}
