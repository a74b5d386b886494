package io.raftkv.http;

import java.util.Map;

/**
 * A request the HTTP port refuses before it reaches the store: answered as JSON
 * {@code {"error": reason, "message": message}} with the given status.
 */
final class HttpError extends RuntimeException {
    private final int status;
    private final String reason;
    private final Map<String, String> headers;

    HttpError(int status, String reason, String message) {
        this(status, reason, message, Map.of());
    }

    HttpError(int status, String reason, String message, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.reason = reason;
        this.headers = headers;
    }

    static HttpError badRequest(String message) {
        return new HttpError(400, "INVALID_ARGUMENT", message);
    }

    /** 405, naming the methods the path takes (also in the {@code Allow} header, RFC 9110 section 15.5.6). */
    static HttpError methodNotAllowed(String method, String path, String allow) {
        return new HttpError(405, "METHOD_NOT_ALLOWED", path + " does not take " + method + "; it takes " + allow,
                Map.of("Allow", allow));
    }

    /** Headers the answer carries besides the JSON body. */
    Map<String, String> headers() {
        return headers;
    }

    int status() {
        return status;
    }

    String reason() {
        return reason;
    }
}
