package io.raftkv.operator.raft;

public class RaftAdminException extends Exception {

    public RaftAdminException(String message) {
        super(message);
    }

    public RaftAdminException(String message, Throwable cause) {
        super(message, cause);
    }
}
