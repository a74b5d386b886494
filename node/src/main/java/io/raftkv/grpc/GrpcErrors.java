package io.raftkv.grpc;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.raftkv.raft.RaftNode;
import io.raftkv.runtime.RequestFailure;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.LongFunction;

/**
 * Turns failures into the gRPC statuses documented in raftkv.proto: a status code, a message, and a
 * {@code google.rpc.ErrorInfo} (domain {@value #DOMAIN}) whose reason names the failure and whose metadata
 * carries the leader's ID and address for NOT_LEADER.
 */
public final class GrpcErrors {

    public static final String DOMAIN = "raftkv.io";
    public static final String LEADER_ID = "leader_id";
    public static final String LEADER_ADDRESS = "leader_address";

    private GrpcErrors() {
    }

    /** An INVALID_ARGUMENT error with a reason such as INVALID_KEY. */
    public static StatusRuntimeException invalid(String reason, String message) {
        return error(Code.INVALID_ARGUMENT, reason, message, null, null);
    }

    /**
     * Maps any failure of a request to its status.
     *
     * @param addressOf the gRPC address of a node ID, or null if unknown
     */
    public static StatusRuntimeException toStatus(Throwable t, LongFunction<String> addressOf) {
        Throwable cause = unwrap(t);
        if (cause instanceof StatusRuntimeException s) {
            return s;
        }
        if (cause instanceof TimeoutException) {
            return error(Code.DEADLINE_EXCEEDED, "TIMEOUT",
                    "the deadline expired before the request was answered; a write may or may not have been applied",
                    null, null);
        }
        if (cause instanceof CancellationException) {
            return Status.CANCELLED.withDescription("cancelled").asRuntimeException();
        }
        if (cause instanceof RequestFailure f) {
            return switch (f.reason()) {
                case NOT_LEADER -> {
                    String address = f.leaderId() == RaftNode.NONE ? null : addressOf.apply(f.leaderId());
                    yield error(Code.FAILED_PRECONDITION, "NOT_LEADER", f.getMessage()
                            + (address != null ? " at " + address : ""), f.leaderId(), address);
                }
                case NO_LEADER -> error(Code.UNAVAILABLE, "NO_LEADER", f.getMessage(), null, null);
                case PROPOSAL_LOST -> error(Code.UNAVAILABLE, "PROPOSAL_LOST", f.getMessage(), null, null);
                case SHUTTING_DOWN -> error(Code.UNAVAILABLE, "SHUTTING_DOWN", f.getMessage(), null, null);
                case BACKPRESSURE -> error(Code.RESOURCE_EXHAUSTED, "BACKPRESSURE", f.getMessage(), null, null);
                case DISK_ALARM -> error(Code.RESOURCE_EXHAUSTED, "DISK_ALARM", f.getMessage(), null, null);
                case TIMEOUT -> error(Code.DEADLINE_EXCEEDED, "TIMEOUT", f.getMessage(), null, null);
                case INVALID_ARGUMENT -> error(Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", f.getMessage(), null, null);
                case MEMBERSHIP -> error(Code.FAILED_PRECONDITION, "MEMBERSHIP", f.getMessage(), null, null);
            };
        }
        return Status.INTERNAL.withDescription(String.valueOf(cause)).withCause(cause).asRuntimeException();
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    static StatusRuntimeException error(Code code, String reason, String message, Long leaderId,
                                        String leaderAddress) {
        ErrorInfo.Builder info = ErrorInfo.newBuilder().setDomain(DOMAIN).setReason(reason);
        if (leaderId != null && leaderId != RaftNode.NONE) {
            info.putMetadata(LEADER_ID, Long.toString(leaderId));
        }
        if (leaderAddress != null) {
            info.putMetadata(LEADER_ADDRESS, leaderAddress);
        }
        com.google.rpc.Status.Builder status = com.google.rpc.Status.newBuilder().setCode(code.getNumber())
                .setMessage(message).addDetails(Any.pack(info.build()));
        if (code == Code.RESOURCE_EXHAUSTED) {
            status.addDetails(Any.pack(RetryInfo.newBuilder()
                    .setRetryDelay(Duration.newBuilder().setNanos(100_000_000)).build()));
        }
        return StatusProto.toStatusRuntimeException(status.build());
    }

    /** The ErrorInfo of a status exception, if it carries one of ours. */
    public static ErrorInfo errorInfo(Throwable t) {
        com.google.rpc.Status status = StatusProto.fromThrowable(t);
        if (status == null) {
            return null;
        }
        for (Any any : status.getDetailsList()) {
            if (any.is(ErrorInfo.class)) {
                try {
                    ErrorInfo info = any.unpack(ErrorInfo.class);
                    if (DOMAIN.equals(info.getDomain())) {
                        return info;
                    }
                } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                    return null;
                }
            }
        }
        return null;
    }
}
