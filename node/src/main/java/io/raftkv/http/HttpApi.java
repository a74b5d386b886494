package io.raftkv.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.raftkv.client.RaftKvClient;
import io.raftkv.client.RaftKvException;
import io.raftkv.config.HostPort;
import io.raftkv.grpc.proto.Consistency;
import io.raftkv.grpc.proto.KeyValue;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The node's HTTP port (Jetty's core server; one {@link Router} serves every path):
 * <ul>
 *   <li>{@code GET /healthz}: 200 while the process runs;</li>
 *   <li>{@code GET /readyz}: 200 when the node is a member with a known leader and caught up, else 503;</li>
 *   <li>{@code GET /metrics}: Prometheus text;</li>
 *   <li>{@code POST /prestop}: a Kubernetes preStop hook: a leader hands leadership to its most caught-up voter
 *       and answers once it moved (bounded by a few seconds); any other node answers at once. It changes state,
 *       so GET is refused (405);</li>
 *   <li>{@code GET|PUT|DELETE /v1/kv/{key}}: the key is the path's remainder, percent-decoded to bytes (RFC 3986:
 *       {@code %2F} is a slash in the key, {@code %FF} the byte 0xFF, {@code +} a plus). PUT stores the raw body,
 *       byte for byte. GET answers the raw value as {@code application/octet-stream}, with the key's
 *       {@code X-Raftkv-Version}, {@code X-Raftkv-Create-Revision}, {@code X-Raftkv-Mod-Revision} and the store's
 *       {@code X-Raftkv-Revision}; PUT and DELETE answer JSON;</li>
 *   <li>{@code GET /get?key=K}, {@code POST /set} with {@code {"key": .., "value": ..}} and
 *       {@code DELETE /delete?key=K}: the JSON API. Keys and values are JSON strings when they are valid UTF-8 and
 *       {@code key_base64}/{@code value_base64} fields (RFC 4648) otherwise, in answers and in /set's body alike
 *       ({@link BytesJson}): no byte is ever replaced. /set's body must hold exactly those fields.</li>
 * </ul>
 * Writes go to the leader through the Java client, so any node accepts them. Every path answers HEAD where it
 * answers GET, OPTIONS with {@code Allow}, and other methods with 405 and {@code Allow}. Errors are JSON
 * {@code {"error": REASON, "message": ...}} with 400 (bad input: a bad percent escape, an unknown query parameter
 * or JSON field, trailing data), 404 (no such key or path), 405, 409, 413 (body over the limit), 429
 * (backpressure, disk alarm), 503 (no leader, unavailable), 504 (timeout) or 500.
 */
public final class HttpApi implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
    private static final String KV_PATTERN = "/v1/kv/{key}";
    private static final Set<String> KEY_PARAM = Set.of("key");

    /** The store's size limits, which bound what the HTTP port reads. */
    public record Limits(int maxKeyBytes, int maxValueBytes) {
        /** /set's body: a key and a value in base64 (4/3) or JSON-escaped text, with room to spare. */
        int maxJsonBodyBytes() {
            return (int) Math.min(Integer.MAX_VALUE - 16, 2L * (maxKeyBytes + (long) maxValueBytes) + (64 << 10));
        }
    }

    private final Server server;
    private final ServerConnector connector;
    private final RaftKvClient client;
    private final Limits limits;
    private final BooleanSupplier ready;
    private final Supplier<String> readyDetail;
    private final Supplier<String> handOff;
    private final PrometheusMeterRegistry metrics;
    private final Router router;

    /**
     * @param client      the client the KV routes use (pointed at this node; it follows redirects to the leader)
     * @param ready       the readiness check
     * @param readyDetail what /readyz says about this node (role, leader, indexes)
     * @param handOff     what /prestop does: hands leadership off if this node leads (bounded), says what happened
     */
    public HttpApi(String address, RaftKvClient client, Limits limits, BooleanSupplier ready,
                   Supplier<String> readyDetail, Supplier<String> handOff, PrometheusMeterRegistry metrics)
            throws IOException {
        HostPort hp = HostPort.parse(address);
        this.client = client;
        this.limits = limits;
        this.ready = ready;
        this.readyDetail = readyDetail;
        this.handOff = handOff;
        this.metrics = metrics;
        this.router = new Router()
                .exact("/healthz", HttpMethod.GET, (ex, p) -> healthz(ex))
                .exact("/readyz", HttpMethod.GET, (ex, p) -> readyz(ex))
                .exact("/metrics", HttpMethod.GET, (ex, p) -> metrics(ex))
                .exact("/prestop", HttpMethod.POST, (ex, p) -> prestop(ex))
                .exact("/get", HttpMethod.GET, (ex, p) -> respondGet(ex, keyParam(ex)))
                .exact("/set", HttpMethod.POST, (ex, p) -> set(ex))
                .exact("/delete", HttpMethod.DELETE, (ex, p) -> respondDelete(ex, keyParam(ex)))
                .prefix(KV_PATTERN, HttpMethod.GET, (ex, p) -> getRaw(ex, pathKey(ex, p)))
                .prefix(KV_PATTERN, HttpMethod.PUT, (ex, p) -> putRaw(ex, pathKey(ex, p)))
                .prefix(KV_PATTERN, HttpMethod.DELETE, (ex, p) -> respondDelete(ex, pathKey(ex, p)));

        // Threads: Jetty's pool runs the routes; answers to KV routes are sent from the client's callback threads.
        QueuedThreadPool threads = new QueuedThreadPool(16, 2);
        threads.setName("http");
        threads.setDaemon(true);
        this.server = new Server(threads);
        HttpConfiguration httpConfig = new HttpConfiguration();
        httpConfig.setSendServerVersion(false);
        // Keys are bytes: the path's remainder is decoded by PercentDecoding, not by Jetty, so that %2F, %FF,
        // "//", ";" and "%2E%2E" in a key reach it unchanged instead of being refused or normalised away.
        httpConfig.setUriCompliance(UriCompliance.UNSAFE);
        this.connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(httpConfig));
        connector.setHost(hp.host());
        connector.setPort(hp.port());
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                serve(new Exchange(request, response, callback));
                return true;
            }
        });
        server.setErrorHandler(new JsonErrorHandler());
        try {
            server.start();
        } catch (IOException e) {
            close();
            throw e;
        } catch (Exception e) {
            close();
            throw new IOException(e.getMessage(), e);
        }
    }

    /** The bound port (useful when the configured port is 0). */
    public int port() {
        return connector.getLocalPort();
    }

    private void serve(Exchange ex) {
        try {
            router.dispatch(ex);
        } catch (HttpError e) {
            ex.sendError(e);
        } catch (IOException e) {
            // Reading the request failed: the caller hung up or sent a broken body.
            log.debug("HTTP {} {}: cannot read the request ({})", ex.method(), ex.rawPath(), e.toString());
            ex.sendError(HttpError.badRequest("cannot read the request body"));
        } catch (Exception e) {
            log.warn("HTTP {} {} failed", ex.method(), ex.rawPath(), e);
            ex.sendError(new HttpError(500, "INTERNAL", "internal error (the node's log has the details)"));
        }
    }

    private void healthz(Exchange ex) {
        ex.query(Set.of());
        ex.sendText(200, "text/plain; charset=utf-8", "ok\n");
    }

    private void readyz(Exchange ex) {
        ex.query(Set.of());
        boolean ok = ready.getAsBoolean();
        ex.sendText(ok ? 200 : 503, "text/plain; charset=utf-8",
                (ok ? "ready: " : "not ready: ") + readyDetail.get() + "\n");
    }

    private void prestop(Exchange ex) {
        ex.query(Set.of());
        String outcome = handOff.get();
        log.info("preStop: {}", outcome);
        ex.sendText(200, "text/plain; charset=utf-8", outcome + "\n");
    }

    private void metrics(Exchange ex) {
        ex.query(Set.of());
        ex.sendText(200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape());
    }

    private void set(Exchange ex) throws IOException {
        ex.query(Set.of());
        Map<String, ByteString> body = BytesJson.parseObject(ex.body(limits.maxJsonBodyBytes(), "the body"),
                Set.of("key", "value"), "{\"key\": ..., \"value\": ...}");
        respondPut(ex, body.get("key"), body.get("value"));
    }

    private void putRaw(Exchange ex, ByteString key) throws IOException {
        ex.query(Set.of());
        respondPut(ex, key, ByteString.copyFrom(ex.body(limits.maxValueBytes(), "the value")));
    }

    private static ByteString keyParam(Exchange ex) {
        byte[] key = ex.query(KEY_PARAM).get("key");
        if (key == null) {
            throw HttpError.badRequest("missing query parameter 'key'");
        }
        return ByteString.copyFrom(key);
    }

    private static ByteString pathKey(Exchange ex, String raw) {
        return ByteString.copyFrom(PercentDecoding.decode(raw, "the key in the path"));
    }

    private void getRaw(Exchange ex, ByteString key) {
        ex.query(Set.of());
        reply(ex, client.getAsync(key, Consistency.LINEARIZABLE), r -> {
            if (!r.getFound()) {
                notFound(ex, key, r.getHeader().getRevision());
                return;
            }
            KeyValue kv = r.getKv();
            ex.send(200, "application/octet-stream", kv.getValue().toByteArray(), Map.of(
                    "X-Raftkv-Revision", Long.toString(r.getHeader().getRevision()),
                    "X-Raftkv-Version", Long.toString(kv.getVersion()),
                    "X-Raftkv-Create-Revision", Long.toString(kv.getCreateRevision()),
                    "X-Raftkv-Mod-Revision", Long.toString(kv.getModRevision())));
        });
    }

    private void respondGet(Exchange ex, ByteString key) {
        reply(ex, client.getAsync(key, Consistency.LINEARIZABLE), r -> {
            if (!r.getFound()) {
                notFound(ex, key, r.getHeader().getRevision());
                return;
            }
            KeyValue kv = r.getKv();
            ObjectNode n = BytesJson.JSON.createObjectNode();
            BytesJson.put(n, "key", kv.getKey());
            BytesJson.put(n, "value", kv.getValue());
            n.put("version", kv.getVersion());
            n.put("create_revision", kv.getCreateRevision());
            n.put("mod_revision", kv.getModRevision());
            n.put("revision", r.getHeader().getRevision());
            ex.sendJson(200, n);
        });
    }

    private static void notFound(Exchange ex, ByteString key, long revision) {
        ObjectNode n = BytesJson.JSON.createObjectNode();
        n.put("error", "NOT_FOUND");
        n.put("message", "no key " + BytesJson.describe(key));
        BytesJson.put(n, "key", key);
        n.put("revision", revision);
        ex.sendJson(404, n);
    }

    private void respondPut(Exchange ex, ByteString key, ByteString value) {
        if (value.size() > limits.maxValueBytes()) {
            throw new HttpError(413, "TOO_LARGE", "the value is " + value.size() + " bytes, over the limit of "
                    + limits.maxValueBytes() + " bytes");
        }
        reply(ex, client.putAsync(key, value), r -> {
            ObjectNode n = BytesJson.JSON.createObjectNode();
            BytesJson.put(n, "key", key);
            n.put("revision", r.getHeader().getRevision());
            n.put("version", r.getKv().getVersion());
            ex.sendJson(200, n);
        });
    }

    private void respondDelete(Exchange ex, ByteString key) {
        reply(ex, client.deleteAsync(key), r -> {
            ObjectNode n = BytesJson.JSON.createObjectNode();
            BytesJson.put(n, "key", key);
            n.put("deleted", r.getDeleted());
            n.put("revision", r.getHeader().getRevision());
            ex.sendJson(200, n);
        });
    }

    /** Answers once the client's call completes: {@code ok} on success, a JSON error (by gRPC status) otherwise. */
    private static <T> void reply(Exchange ex, CompletableFuture<T> f, java.util.function.Consumer<T> ok) {
        f.whenComplete((r, e) -> {
            try {
                if (e == null) {
                    ok.accept(r);
                } else {
                    ex.sendError(asHttpError(e));
                }
            } catch (RuntimeException bug) {
                log.warn("HTTP {} {} failed", ex.method(), ex.rawPath(), bug);
                ex.sendError(new HttpError(500, "INTERNAL", "internal error (the node's log has the details)"));
            }
        });
    }

    private static HttpError asHttpError(Throwable e) {
        Throwable c = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        RaftKvException k = c instanceof RaftKvException x ? x
                : new RaftKvException(Status.fromThrowable(c).getCode(), "", String.valueOf(c), c);
        return new HttpError(httpStatus(k.code()), k.reason().isEmpty() ? k.code().name() : k.reason(),
                k.getMessage());
    }

    static int httpStatus(Status.Code code) {
        return switch (code) {
            case INVALID_ARGUMENT, OUT_OF_RANGE -> 400;
            case NOT_FOUND -> 404;
            case FAILED_PRECONDITION -> 409;
            case RESOURCE_EXHAUSTED -> 429;
            case UNAVAILABLE, CANCELLED -> 503;
            case DEADLINE_EXCEEDED -> 504;
            default -> 500;
        };
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            log.debug("stopping the HTTP server: {}", e.toString());
        }
    }
}
