package io.raftkv.client;

import io.grpc.Status;
import io.raftkv.grpc.GrpcErrors;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Tells failures of the connection apart from answers of a server, and names them in a few words. */
final class TransportErrors {
    private TransportErrors() {
    }

    /**
     * "unknown host" or "connection refused" when nothing listens at an endpoint (or its name does not resolve),
     * else null. Such an endpoint certainly did not get the request, and will not answer a retry soon.
     */
    static String unreachable(Throwable t) {
        Throwable c = unwrap(t);
        Status s = Status.fromThrowable(c);
        if (s.getCode() != Status.Code.UNAVAILABLE || GrpcErrors.errorInfo(c) != null) {
            return null;
        }
        if (s.getDescription() != null && s.getDescription().startsWith("Unable to resolve host")) {
            return "unknown host";
        }
        for (Throwable x = c; x != null; x = x.getCause()) {
            if (x instanceof UnknownHostException) {
                return "unknown host";
            }
            if (x instanceof ConnectException) {
                return "connection refused";
            }
        }
        return null;
    }

    /** A few words for a failed call: "connection refused", "no answer (DEADLINE_EXCEEDED)", the server's reason. */
    static String describe(Throwable t) {
        Throwable c = unwrap(t);
        String unreachable = unreachable(c);
        if (unreachable != null) {
            return unreachable;
        }
        if (c instanceof RaftKvException k) {
            return k.getCause() != null ? describe(k.getCause()) : k.toString();
        }
        Status s = Status.fromThrowable(c);
        return switch (s.getCode()) {
            case DEADLINE_EXCEEDED -> "no answer in time";
            case UNAVAILABLE, CANCELLED, UNKNOWN -> GrpcErrors.errorInfo(c) != null ? s.getDescription()
                    : "connection failed (" + s.getCode() + (s.getDescription() != null ? ": " + s.getDescription()
                    : "") + ")";
            default -> s.getCode() + (s.getDescription() != null ? ": " + s.getDescription() : "");
        };
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
