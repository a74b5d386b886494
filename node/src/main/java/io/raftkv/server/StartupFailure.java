package io.raftkv.server;

/**
 * The node cannot start, for a reason the operator can fix (a port in use, a data directory that is a file,
 * read-only, full, held by another process or belonging to another node). The message is one line naming the
 * setting or path; {@code raftkv node} prints it alone and exits with status 6.
 */
public final class StartupFailure extends RuntimeException {

    public StartupFailure(String message) {
        super(message);
    }

    public StartupFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
