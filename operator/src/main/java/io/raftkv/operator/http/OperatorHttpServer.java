package io.raftkv.operator.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.javaoperatorsdk.operator.RuntimeInfo;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The operator's HTTP endpoints: {@code /metrics} (Prometheus text), {@code /healthz} (liveness: every
 * informer is healthy) and {@code /readyz} (the operator started; a standby replica waiting for the
 * leader-election Lease is ready too).
 */
public final class OperatorHttpServer implements AutoCloseable {

    private final HttpServer server;

    public OperatorHttpServer(int port, PrometheusMeterRegistry registry, Supplier<RuntimeInfo> runtime)
            throws IOException {
        server = HttpServer.create(new InetSocketAddress(port), 16);
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "operator-http");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/metrics", ex -> respond(ex, 200, "text/plain; version=0.0.4", registry.scrape()));
        server.createContext("/readyz", ex -> {
            RuntimeInfo info = runtime.get();
            boolean started = info != null && info.isStarted();
            respond(ex, started ? 200 : 503, "text/plain", started ? "ok\n" : "starting\n");
        });
        server.createContext("/healthz", ex -> {
            RuntimeInfo info = runtime.get();
            boolean healthy = info == null || !info.isStarted() || info.allEventSourcesAreHealthy();
            respond(ex, healthy ? 200 : 500, "text/plain",
                    healthy ? "ok\n" : "unhealthy event sources: " + info.unhealthyEventSources() + "\n");
        });
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void respond(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
