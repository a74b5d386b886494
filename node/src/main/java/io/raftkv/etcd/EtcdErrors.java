package io.raftkv.etcd;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.raftkv.kv.KvResult;
import io.raftkv.kv.StoreException;
import io.raftkv.kv.TxnChecks;
import io.raftkv.runtime.RequestFailure;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * etcd's gRPC errors (api/v3rpc/rpctypes/error.go): the same codes and messages, so that etcd clients' error
 * handling (which matches on them) works unchanged. Never a generic INTERNAL for a known case.
 */
final class EtcdErrors {

    static final StatusRuntimeException EMPTY_KEY = error(Status.Code.INVALID_ARGUMENT, "key is not provided");
    static final StatusRuntimeException KEY_NOT_FOUND = error(Status.Code.INVALID_ARGUMENT, "key not found");
    static final StatusRuntimeException VALUE_PROVIDED = error(Status.Code.INVALID_ARGUMENT, "value is provided");
    static final StatusRuntimeException LEASE_PROVIDED = error(Status.Code.INVALID_ARGUMENT, "lease is provided");
    static final StatusRuntimeException TOO_MANY_OPS = error(Status.Code.INVALID_ARGUMENT,
            "too many operations in txn request");
    static final StatusRuntimeException DUPLICATE_KEY = error(Status.Code.INVALID_ARGUMENT,
            "duplicate key given in txn request");
    static final StatusRuntimeException REQUEST_TOO_LARGE = error(Status.Code.INVALID_ARGUMENT,
            "request is too large");
    static final StatusRuntimeException COMPACTED = error(Status.Code.OUT_OF_RANGE,
            "mvcc: required revision has been compacted");
    static final StatusRuntimeException FUTURE_REVISION = error(Status.Code.OUT_OF_RANGE,
            "mvcc: required revision is a future revision");
    static final StatusRuntimeException NO_SPACE = error(Status.Code.RESOURCE_EXHAUSTED,
            "mvcc: database space exceeded");
    static final StatusRuntimeException LEASE_NOT_FOUND = error(Status.Code.NOT_FOUND, "requested lease not found");
    static final StatusRuntimeException NO_LEADER = error(Status.Code.UNAVAILABLE, "no leader");
    static final StatusRuntimeException NOT_LEADER = error(Status.Code.FAILED_PRECONDITION, "not leader");
    static final StatusRuntimeException LEADER_CHANGED = error(Status.Code.UNAVAILABLE, "leader changed");
    static final StatusRuntimeException STOPPED = error(Status.Code.UNAVAILABLE, "server stopped");
    static final StatusRuntimeException TIMEOUT = error(Status.Code.UNAVAILABLE, "request timed out");
    static final StatusRuntimeException TOO_MANY_REQUESTS = error(Status.Code.RESOURCE_EXHAUSTED,
            "too many requests");

    private EtcdErrors() {
    }

    private static StatusRuntimeException error(Status.Code code, String message) {
        return Status.fromCode(code).withDescription("etcdserver: " + message).asRuntimeException();
    }

    static StatusRuntimeException of(TxnChecks.Violation v) {
        return switch (v.kind()) {
            case EMPTY_KEY -> EMPTY_KEY;
            case TOO_LARGE -> REQUEST_TOO_LARGE;
            case TOO_MANY_OPS -> TOO_MANY_OPS;
            case DUPLICATE_KEY -> DUPLICATE_KEY;
            case VALUE_PROVIDED -> VALUE_PROVIDED;
            case LEASE_PROVIDED -> LEASE_PROVIDED;
        };
    }

    static StatusRuntimeException of(StoreException e) {
        return switch (e.kind()) {
            case COMPACTED -> COMPACTED;
            case FUTURE_REVISION -> FUTURE_REVISION;
            case KEY_NOT_FOUND -> KEY_NOT_FOUND;
            case LEASE_NOT_FOUND -> LEASE_NOT_FOUND;
        };
    }

    /** The error for a failed command result, or null when the result is a success. */
    static StatusRuntimeException of(KvResult r) {
        return switch (r.code()) {
            case OK, NOT_FOUND, CONDITION_FAILED, NO_COMMAND -> null;
            case COMPACTED -> COMPACTED;
            case FUTURE_REVISION -> FUTURE_REVISION;
            case KEY_NOT_FOUND -> KEY_NOT_FOUND;
            case LEASE_NOT_FOUND -> LEASE_NOT_FOUND;
            case INVALID -> Status.INVALID_ARGUMENT.withDescription("etcdserver: " + r.detail()).asRuntimeException();
            case SESSION_EXPIRED, STALE_SEQUENCE, MALFORMED -> Status.INTERNAL
                    .withDescription("etcdserver: unexpected result " + r.code() + ": " + r.detail())
                    .asRuntimeException();
        };
    }

    /** Any failure of a request, as etcd would answer it. */
    static StatusRuntimeException toStatus(Throwable t) {
        Throwable cause = t;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof StatusRuntimeException s) {
            return s;
        }
        if (cause instanceof StoreException s) {
            return of(s);
        }
        if (cause instanceof TimeoutException) {
            return TIMEOUT;
        }
        if (cause instanceof CancellationException) {
            return Status.CANCELLED.withDescription("context canceled").asRuntimeException();
        }
        if (cause instanceof RequestFailure f) {
            return switch (f.reason()) {
                case NOT_LEADER -> NOT_LEADER;
                case NO_LEADER -> NO_LEADER;
                case PROPOSAL_LOST -> LEADER_CHANGED;
                case SHUTTING_DOWN -> STOPPED;
                case BACKPRESSURE -> TOO_MANY_REQUESTS;
                case DISK_ALARM -> NO_SPACE;
                case TIMEOUT -> TIMEOUT;
                case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT.withDescription("etcdserver: " + f.getMessage())
                        .asRuntimeException();
                case MEMBERSHIP -> Status.FAILED_PRECONDITION.withDescription("etcdserver: " + f.getMessage())
                        .asRuntimeException();
            };
        }
        return Status.INTERNAL.withDescription(String.valueOf(cause)).withCause(cause).asRuntimeException();
    }
}
