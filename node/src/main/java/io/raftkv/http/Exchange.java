package io.raftkv.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One HTTP request and its answer. Threads: created and read on a Jetty worker; the answer may be sent from any
 * thread (a gRPC callback), exactly once; later attempts are ignored. A caller that hung up before the answer was
 * written costs one debug line, never a stack trace.
 */
final class Exchange {

    private static final Logger log = LoggerFactory.getLogger(Exchange.class);

    /** How much of a refused body is still read, so that the caller gets to read the 413. */
    static final long DRAIN_BYTES = 1 << 20;

    private final Request request;
    private final Response response;
    private final Callback callback;
    private final AtomicBoolean answered = new AtomicBoolean();

    Exchange(Request request, Response response, Callback callback) {
        this.request = request;
        this.response = response;
        this.callback = callback;
    }

    String method() {
        return request.getMethod();
    }

    /** The path as sent, still percent-encoded. */
    String rawPath() {
        String p = request.getHttpURI().getPath();
        return p == null ? "" : p;
    }

    /**
     * The query's parameters, percent-decoded (RFC 3986: {@code +} stays a plus). A parameter the route does not
     * take, or one given twice, is refused: it would otherwise be ignored, or one of the two silently chosen.
     */
    Map<String, byte[]> query(Set<String> accepted) {
        Map<String, byte[]> out = new HashMap<>();
        String q = request.getHttpURI().getQuery();
        if (q == null || q.isEmpty()) {
            return out;
        }
        for (String part : q.split("&", -1)) {
            int eq = part.indexOf('=');
            String name = new String(PercentDecoding.decode(eq < 0 ? part : part.substring(0, eq),
                    "a query parameter name"), StandardCharsets.ISO_8859_1);
            if (!accepted.contains(name)) {
                throw HttpError.badRequest("unknown query parameter '" + name + "'"
                        + (accepted.isEmpty() ? ": " + rawPath() + " takes none" : "; this route takes " + accepted));
            }
            byte[] value = eq < 0 ? new byte[0]
                    : PercentDecoding.decode(part.substring(eq + 1), "query parameter '" + name + "'");
            if (out.put(name, value) != null) {
                throw HttpError.badRequest("query parameter '" + name + "' is given more than once");
            }
        }
        return out;
    }

    /**
     * The request body, at most {@code limit} bytes: a longer one is refused with 413 (from its declared length
     * before reading, or once the limit is passed for a chunked body). Up to {@link #DRAIN_BYTES} of a refused body
     * are read and dropped first: a client that sends its whole body before it reads the answer (java.net.http,
     * most libraries without {@code Expect: 100-continue}) would otherwise see a reset instead of the 413.
     *
     * @param what what the body is, for the message ("the value")
     */
    byte[] body(int limit, String what) throws IOException {
        long declared = request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
        boolean expectsContinue = request.getHeaders().contains(HttpHeader.EXPECT, "100-continue");
        try (InputStream in = Content.Source.asInputStream(request)) {
            if (declared > limit) {
                if (!expectsContinue && declared - limit <= DRAIN_BYTES) {
                    in.transferTo(OutputStream.nullOutputStream());
                }
                throw tooLarge(declared, limit, what);
            }
            byte[] body = in.readNBytes(limit + 1);
            if (body.length > limit) {
                try {
                    in.transferTo(new BoundedSink(DRAIN_BYTES));
                } catch (IOException tooMuchToDrain) {
                    // answered at once; the connection closes after the 413
                }
                throw tooLarge(-1, limit, what);
            }
            return body;
        }
    }

    /** Discards what is written to it, and fails once more than {@code max} bytes came (ends a drain). */
    private static final class BoundedSink extends OutputStream {
        private long left;

        BoundedSink(long max) {
            this.left = max;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            left -= len;
            if (left < 0) {
                throw new IOException("body too large to drain");
            }
        }
    }

    /** 413; the connection is closed after it, as the rest of the body is not read (RFC 9110 section 15.5.14). */
    private static HttpError tooLarge(long declared, int limit, String what) {
        return new HttpError(413, "TOO_LARGE", what + (declared >= 0 ? " is " + declared + " bytes," : " is")
                + " over the limit of " + limit + " bytes", Map.of("Connection", "close"));
    }

    void sendJson(int status, JsonNode body) {
        byte[] bytes;
        try {
            bytes = (BytesJson.JSON.writeValueAsString(body) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
        send(status, "application/json", bytes, Map.of());
    }

    void sendError(HttpError e) {
        ObjectNode n = BytesJson.JSON.createObjectNode();
        n.put("error", e.reason());
        n.put("message", e.getMessage());
        byte[] bytes = (n + "\n").getBytes(StandardCharsets.UTF_8);
        send(e.status(), "application/json", bytes, e.headers());
    }

    void sendText(int status, String contentType, String text) {
        send(status, contentType, text.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** Sends the answer (for HEAD, Jetty sends the headers, Content-Length included, and no body). */
    void send(int status, String contentType, byte[] body, Map<String, String> headers) {
        if (!answered.compareAndSet(false, true)) {
            return;
        }
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        headers.forEach(response.getHeaders()::put);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), Callback.from(callback::succeeded, failure -> {
            log.debug("HTTP {} {}: the caller went away before the answer was sent ({})", method(), rawPath(),
                    failure.toString());
            callback.failed(failure);
        }));
    }

    /** 204 with the given headers and no body (OPTIONS). */
    void sendNoContent(Map<String, String> headers) {
        if (!answered.compareAndSet(false, true)) {
            return;
        }
        response.setStatus(204);
        headers.forEach(response.getHeaders()::put);
        response.write(true, null, Callback.from(callback::succeeded, callback::failed));
    }
}
