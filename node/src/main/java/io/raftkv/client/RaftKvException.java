package io.raftkv.client;

import io.grpc.Status;

/**
 * A request that failed for good (after any retries): the gRPC status code, the server's reason (see
 * raftkv.proto; empty if the failure came from the transport) and its message.
 */
public final class RaftKvException extends RuntimeException {
    private final Status.Code code;
    private final String reason;

    public RaftKvException(Status.Code code, String reason, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.reason = reason == null ? "" : reason;
    }

    public Status.Code code() {
        return code;
    }

    /** The server's reason, e.g. NOT_LEADER or INVALID_KEY; empty if none. */
    public String reason() {
        return reason;
    }

    @Override
    public String toString() {
        return code + (reason.isEmpty() ? "" : " " + reason) + ": " + getMessage();
    }
}
