package io.raftkv.loadgen;

import java.util.Objects;

/**
 * A failed operation against a target, with a short kind under which the report counts it (for gRPC targets
 * the status code or the server's reason, e.g. {@code UNAVAILABLE}, {@code DEADLINE_EXCEEDED}, {@code NOT_LEADER}).
 */
public class TargetException extends Exception {
    private final String kind;

    public TargetException(String kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    public String kind() {
        return kind;
    }
}
