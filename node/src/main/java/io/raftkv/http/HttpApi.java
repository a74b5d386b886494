package io.raftkv.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.grpc.Status;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.raftkv.client.RaftKvClient;
import io.raftkv.client.RaftKvException;
import io.raftkv.config.HostPort;
import io.raftkv.grpc.proto.Consistency;
import io.raftkv.grpc.proto.KeyValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The node's HTTP port, on the JDK's built-in server (enough for probes, scrapes and a small JSON API; no extra
 * dependency):
 * <ul>
 *   <li>{@code GET /healthz}: 200 while the process runs;</li>
 *   <li>{@code GET /readyz}: 200 when the node is a member with a known leader and caught up, else 503;</li>
 *   <li>{@code GET /metrics}: Prometheus text;</li>
 *   <li>{@code GET|POST /prestop}: a Kubernetes preStop hook: a leader hands leadership to its most caught-up
 *       voter and answers once it moved (bounded by a few seconds); any other node answers at once;</li>
 *   <li>{@code GET /get?key=K}, {@code POST /set} with {@code {"key":..,"value":..}}, {@code DELETE /delete?key=K},
 *       and {@code GET|PUT|DELETE /v1/kv/K} (PUT takes the raw body as the value): UTF-8 text keys and values,
 *       JSON answers. Writes go to the leader through the Java client, so any node accepts them.</li>
 * </ul>
 * Errors are JSON {@code {"error": REASON, "message": ...}} with 400 (bad input), 404 (no such key), 429
 * (backpressure, disk alarm), 503 (no leader, unavailable), 504 (timeout) or 500.
 */
public final class HttpApi implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY_BYTES = 2 << 20;

    private final HttpServer server;
    private final RaftKvClient client;
    private final ExecutorService executor;
    private final BooleanSupplier ready;
    private final Supplier<String> readyDetail;
    private final Supplier<String> handOff;
    private final PrometheusMeterRegistry metrics;

    /**
     * @param client      the client the JSON API uses (pointed at this node; it follows redirects to the leader)
     * @param ready       the readiness check
     * @param readyDetail what /readyz says about this node (role, leader, indexes)
     * @param handOff     what /prestop does: hands leadership off if this node leads (bounded), says what happened
     */
    public HttpApi(String address, RaftKvClient client, BooleanSupplier ready, Supplier<String> readyDetail,
                   Supplier<String> handOff, PrometheusMeterRegistry metrics) throws IOException {
        HostPort hp = HostPort.parse(address);
        this.client = client;
        this.ready = ready;
        this.readyDetail = readyDetail;
        this.handOff = handOff;
        this.metrics = metrics;
        this.server = HttpServer.create(new InetSocketAddress(hp.host(), hp.port()), 128);
        this.executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/healthz", ex -> handle(ex, this::healthz));
        server.createContext("/readyz", ex -> handle(ex, this::readyz));
        server.createContext("/metrics", ex -> handle(ex, this::metrics));
        server.createContext("/prestop", ex -> handle(ex, this::prestop));
        server.createContext("/get", ex -> handle(ex, this::get));
        server.createContext("/set", ex -> handle(ex, this::set));
        server.createContext("/delete", ex -> handle(ex, this::delete));
        server.createContext("/v1/kv/", ex -> handle(ex, this::kv));
        server.start();
    }

    /** The bound port (useful when the configured port is 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    private interface Handler {
        void handle(HttpExchange ex) throws IOException;
    }

    private static void handle(HttpExchange ex, Handler h) {
        try {
            h.handle(ex);
        } catch (BadRequest e) {
            sendError(ex, 400, "INVALID_ARGUMENT", e.getMessage());
        } catch (Exception e) {
            log.warn("HTTP {} {} failed", ex.getRequestMethod(), ex.getRequestURI(), e);
            sendError(ex, 500, "INTERNAL", String.valueOf(e));
        }
    }

    private void healthz(HttpExchange ex) throws IOException {
        send(ex, 200, "text/plain; charset=utf-8", "ok\n".getBytes(StandardCharsets.UTF_8));
    }

    private void readyz(HttpExchange ex) throws IOException {
        boolean ok = ready.getAsBoolean();
        send(ex, ok ? 200 : 503, "text/plain; charset=utf-8",
                ((ok ? "ready: " : "not ready: ") + readyDetail.get() + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private void prestop(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        if (!method.equals("GET") && !method.equals("POST")) {
            throw new BadRequest("/prestop takes GET or POST, not " + method);
        }
        String outcome = handOff.get();
        log.info("preStop: {}", outcome);
        send(ex, 200, "text/plain; charset=utf-8", (outcome + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private void metrics(HttpExchange ex) throws IOException {
        send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape().getBytes(StandardCharsets.UTF_8));
    }

    private void get(HttpExchange ex) throws IOException {
        requireMethod(ex, "GET");
        respondGet(ex, requireParam(ex, "key"));
    }

    private void set(HttpExchange ex) throws IOException {
        requireMethod(ex, "POST");
        JsonNode body;
        try {
            body = JSON.readTree(readBody(ex));
        } catch (IOException e) {
            throw new BadRequest("body must be JSON {\"key\": ..., \"value\": ...}: " + e.getMessage());
        }
        if (body == null || !body.path("key").isTextual() || !body.path("value").isTextual()) {
            throw new BadRequest("body must be JSON {\"key\": string, \"value\": string}");
        }
        respondPut(ex, body.get("key").asText(), body.get("value").asText());
    }

    private void delete(HttpExchange ex) throws IOException {
        requireMethod(ex, "DELETE");
        respondDelete(ex, requireParam(ex, "key"));
    }

    private void kv(HttpExchange ex) throws IOException {
        String raw = ex.getRequestURI().getRawPath().substring("/v1/kv/".length());
        String key = URLDecoder.decode(raw, StandardCharsets.UTF_8);
        switch (ex.getRequestMethod()) {
            case "GET" -> respondGet(ex, key);
            case "PUT", "POST" -> respondPut(ex, key, new String(readBody(ex), StandardCharsets.UTF_8));
            case "DELETE" -> respondDelete(ex, key);
            default -> sendError(ex, 405, "METHOD_NOT_ALLOWED", "use GET, PUT or DELETE on /v1/kv/{key}");
        }
    }

    private void respondGet(HttpExchange ex, String key) {
        reply(ex, client.getAsync(utf8(key), Consistency.LINEARIZABLE), r -> {
            if (!r.getFound()) {
                ObjectNode n = error("NOT_FOUND", "no key '" + key + "'");
                n.put("revision", r.getHeader().getRevision());
                return new Answer(404, n);
            }
            ObjectNode n = kvJson(r.getKv());
            n.put("revision", r.getHeader().getRevision());
            return new Answer(200, n);
        });
    }

    private void respondPut(HttpExchange ex, String key, String value) {
        reply(ex, client.putAsync(utf8(key), utf8(value)), r -> {
            ObjectNode n = JSON.createObjectNode();
            n.put("key", key);
            n.put("revision", r.getHeader().getRevision());
            n.put("version", r.getKv().getVersion());
            return new Answer(200, n);
        });
    }

    private void respondDelete(HttpExchange ex, String key) {
        reply(ex, client.deleteAsync(utf8(key)), r -> {
            ObjectNode n = JSON.createObjectNode();
            n.put("key", key);
            n.put("deleted", r.getDeleted());
            n.put("revision", r.getHeader().getRevision());
            return new Answer(200, n);
        });
    }

    private record Answer(int status, JsonNode body) {
    }

    private <T> void reply(HttpExchange ex, CompletableFuture<T> f, java.util.function.Function<T, Answer> ok) {
        f.whenComplete((r, e) -> {
            try {
                if (e == null) {
                    Answer a = ok.apply(r);
                    sendJson(ex, a.status(), a.body());
                } else {
                    Throwable c = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                    RaftKvException k = c instanceof RaftKvException x ? x
                            : new RaftKvException(Status.fromThrowable(c).getCode(), "", String.valueOf(c), c);
                    sendJson(ex, httpStatus(k.code()), error(k.reason().isEmpty() ? k.code().name() : k.reason(),
                            k.getMessage()));
                }
            } catch (IOException io) {
                log.debug("HTTP client went away: {}", io.toString());
            }
        });
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

    private static ObjectNode kvJson(KeyValue kv) {
        ObjectNode n = JSON.createObjectNode();
        n.put("key", kv.getKey().toStringUtf8());
        n.put("value", kv.getValue().toStringUtf8());
        n.put("version", kv.getVersion());
        n.put("create_revision", kv.getCreateRevision());
        n.put("mod_revision", kv.getModRevision());
        return n;
    }

    private static ObjectNode error(String reason, String message) {
        ObjectNode n = JSON.createObjectNode();
        n.put("error", reason);
        n.put("message", message);
        return n;
    }

    private static ByteString utf8(String s) {
        return ByteString.copyFrom(s, StandardCharsets.UTF_8);
    }

    private static void requireMethod(HttpExchange ex, String method) {
        if (!ex.getRequestMethod().equals(method)) {
            throw new BadRequest(ex.getRequestURI().getPath() + " takes " + method + ", not " + ex.getRequestMethod());
        }
    }

    private static String requireParam(HttpExchange ex, String name) {
        String v = query(ex).get(name);
        if (v == null) {
            throw new BadRequest("missing query parameter '" + name + "'");
        }
        return v;
    }

    private static Map<String, String> query(HttpExchange ex) {
        Map<String, String> out = new HashMap<>();
        String q = ex.getRequestURI().getRawQuery();
        if (q == null) {
            return out;
        }
        for (String part : q.split("&")) {
            int eq = part.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(k, v);
        }
        return out;
    }

    private static byte[] readBody(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                throw new BadRequest("body over " + MAX_BODY_BYTES + " bytes");
            }
            return body;
        }
    }

    private static void sendError(HttpExchange ex, int status, String reason, String message) {
        try {
            sendJson(ex, status, error(reason, message));
        } catch (IOException e) {
            log.debug("HTTP client went away: {}", e.toString());
        }
    }

    private static void sendJson(HttpExchange ex, int status, JsonNode body) throws IOException {
        byte[] bytes = (JSON.writeValueAsString(body) + "\n").getBytes(StandardCharsets.UTF_8);
        send(ex, status, "application/json", bytes);
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    /** Bad input from the HTTP caller (400). */
    private static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
