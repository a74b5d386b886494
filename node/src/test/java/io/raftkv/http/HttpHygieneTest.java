package io.raftkv.http;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.raftkv.client.RaftKvClient;
import io.raftkv.server.InProcessCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The HTTP port's behaviour that does not need a cluster: routing, methods, refusals of bad input before it
 * reaches the store. The KV client points at a closed port on 127.0.0.1, so a request that got as far as the store
 * would fail with 503: every refusal asserted here happens before that.
 */
class HttpHygieneTest {

    private static final ObjectMapper json = new ObjectMapper();
    private static final HttpClient http = HttpClient.newHttpClient();
    private static final AtomicInteger handOffs = new AtomicInteger();
    private static final CountDownLatch readyzMayAnswer = new CountDownLatch(1);
    private static volatile boolean blockReadyz;
    private static RaftKvClient client;
    private static HttpApi api;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        client = new RaftKvClient(List.of("127.0.0.1:" + InProcessCluster.freePort()));
        api = new HttpApi("127.0.0.1:0", client, new HttpApi.Limits(64, 1024), () -> {
            if (blockReadyz) {
                try {
                    readyzMayAnswer.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return true;
        }, () -> "node 1", () -> "handed off " + handOffs.incrementAndGet(),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        base = "http://127.0.0.1:" + api.port();
    }

    @AfterAll
    static void stop() {
        api.close();
        client.close();
    }

    static HttpResponse<String> call(String method, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode jsonError(HttpResponse<String> r, int status) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode n = json.readTree(r.body());
        assertThat(n.path("error").asText()).isNotEmpty();
        assertThat(n.path("message").asText()).isNotEmpty();
        return n;
    }

    @Test
    void pathsMatchExactlyAndUnknownOnesAreAJson404() throws Exception {
        for (String path : List.of("/getfoo", "/healthz/", "/healthzz", "/metrics/x", "/", "/v1/kvx", "/nope")) {
            assertThat(jsonError(call("GET", path, null), 404).get("error").asText()).as(path).isEqualTo("NOT_FOUND");
        }
        assertThat(call("GET", "/healthz", null).statusCode()).isEqualTo(200);
    }

    @Test
    void aWrongMethodIsA405WithAllow() throws Exception {
        HttpResponse<String> r = call("GET", "/set", null);
        assertThat(jsonError(r, 405).get("error").asText()).isEqualTo("METHOD_NOT_ALLOWED");
        assertThat(r.headers().firstValue("Allow")).hasValue("OPTIONS, POST");
        HttpResponse<String> patch = call("PATCH", "/v1/kv/x", "y");
        jsonError(patch, 405);
        assertThat(patch.headers().firstValue("Allow")).hasValue("DELETE, GET, HEAD, OPTIONS, PUT");
        jsonError(call("POST", "/healthz", "x"), 405);
        jsonError(call("DELETE", "/metrics", null), 405);
        HttpResponse<String> options = call("OPTIONS", "/get", null);
        assertThat(options.statusCode()).isEqualTo(204);
        assertThat(options.headers().firstValue("Allow")).hasValue("GET, HEAD, OPTIONS");
    }

    @Test
    void preStopChangesNothingOnGet() throws Exception {
        int before = handOffs.get();
        HttpResponse<String> get = call("GET", "/prestop", null);
        jsonError(get, 405);
        assertThat(get.headers().firstValue("Allow")).hasValue("OPTIONS, POST");
        assertThat(call("HEAD", "/prestop", null).statusCode()).isEqualTo(405);
        assertThat(handOffs.get()).isEqualTo(before);
        HttpResponse<String> post = call("POST", "/prestop", null);
        assertThat(post.statusCode()).isEqualTo(200);
        assertThat(handOffs.get()).isEqualTo(before + 1);
    }

    @Test
    void headWorksWhereGetDoes() throws Exception {
        for (String path : List.of("/healthz", "/readyz", "/metrics")) {
            HttpResponse<String> get = call("GET", path, null);
            HttpResponse<String> head = call("HEAD", path, null);
            assertThat(head.statusCode()).as(path).isEqualTo(get.statusCode());
            assertThat(head.body()).as(path).isEmpty();
            assertThat(head.headers().firstValue("Content-Type")).isEqualTo(get.headers().firstValue("Content-Type"));
        }
        assertThat(call("HEAD", "/healthz", null).headers().firstValueAsLong("Content-Length")).hasValue(3);
    }

    @Test
    void badPercentEscapesAreAJson400() throws Exception {
        for (String target : List.of("GET /v1/kv/%zz", "GET /v1/kv/a%2", "PUT /v1/kv/%", "GET /get?key=%zz",
                "DELETE /delete?key=%4", "GET /nowhere%g0")) {
            String answer = raw(target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n"
                    + "Connection: close\r\n\r\n");
            assertThat(answer).as(target).startsWith("HTTP/1.1 400").containsIgnoringCase("application/json")
                    .contains("invalid percent escape").doesNotContainIgnoringCase("<html");
        }
    }

    @Test
    void whatJettyRefusesItselfIsJsonToo() throws Exception {
        // A control character in the request target: the HTTP parser refuses it before any route runs.
        String answer = raw("GET /v1/kv/a\u0001b HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 400");
        assertThat(answer).containsIgnoringCase("Content-Type: application/json");
        assertThat(answer).doesNotContainIgnoringCase("<html");
        String nonAscii = raw("GET /v1/kv/caf\u00e9 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        assertThat(nonAscii).startsWith("HTTP/1.1 400").containsIgnoringCase("application/json");
    }

    @Test
    void unknownQueryParametersAndRepeatsAreRefused() throws Exception {
        assertThat(jsonError(call("GET", "/get?key=a&kye=b", null), 400).get("message").asText())
                .contains("unknown query parameter 'kye'");
        assertThat(jsonError(call("GET", "/get?key=a&key=b", null), 400).get("message").asText())
                .contains("more than once");
        jsonError(call("GET", "/healthz?verbose", null), 400);
        jsonError(call("PUT", "/v1/kv/a?x=1", "v"), 400);
    }

    @Test
    void setTakesExactlyItsFieldsAndNothingAfterThem() throws Exception {
        for (String body : List.of("{\"key\":\"k\",\"value\":\"v\",\"ttl\":5}", "{\"key\":\"k\",\"value\":\"v\"} x",
                "{\"key\":\"k\",\"value\":\"v\"}{}", "{\"key\":\"k\",\"key\":\"j\",\"value\":\"v\"}",
                "{\"key\":\"k\",\"value\":5}", "{\"key\":\"k\"}", "[]", "", "not json",
                "{\"key\":\"k\",\"value\":\"\\ud800\"}", "{\"key\":\"k\",\"key_base64\":\"aw==\",\"value\":\"v\"}",
                "{\"key\":\"k\",\"value_base64\":\"*\"}")) {
            JsonNode n = jsonError(call("POST", "/set", body), 400);
            assertThat(n.get("message").asText()).as(body)
                    .doesNotContain("com.fasterxml").doesNotContain("Source:").doesNotContain("`");
        }
    }

    @Test
    void anOversizedBodyIsA413() throws Exception {
        HttpResponse<String> put = call("PUT", "/v1/kv/big", "x".repeat(1025));
        assertThat(jsonError(put, 413).get("error").asText()).isEqualTo("TOO_LARGE");
        jsonError(call("POST", "/set", "{\"key\":\"k\",\"value\":\"" + "x".repeat(200_000) + "\"}"), 413);
        jsonError(call("POST", "/set", "{\"key\":\"k\",\"value\":\"" + "x".repeat(1025) + "\"}"), 413);
        // A body far over the limit, announced with Expect: 100-continue, is refused before it is sent (raw: the
        // JDK 17 client waits forever for a 100 that a refusal does not send).
        String huge = raw("PUT /v1/kv/huge HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 8388608\r\n"
                + "Expect: 100-continue\r\n\r\n");
        assertThat(huge).startsWith("HTTP/1.1 413").containsIgnoringCase("application/json").contains("TOO_LARGE");
    }

    @Test
    void aCallerHangingUpOnReadyzCostsNoStackTrace() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Logger exchangeLog = (Logger) LoggerFactory.getLogger(Exchange.class);
        Level before = exchangeLog.getLevel();
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        root.addAppender(events);
        exchangeLog.setLevel(Level.DEBUG);
        try {
            blockReadyz = true;
            try (Socket s = new Socket("127.0.0.1", api.port())) {
                s.getOutputStream().write("GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                s.setSoLinger(true, 0); // close with a reset, like a probe that timed out
            }
            readyzMayAnswer.countDown();
            await().atMost(10, TimeUnit.SECONDS).until(() -> events.list.stream()
                    .anyMatch(e -> e.getFormattedMessage().contains("went away")));
            assertThat(events.list).filteredOn(e -> e.getThrowableProxy() != null).isEmpty();
            assertThat(events.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).isEmpty();
        } finally {
            blockReadyz = false;
            root.detachAppender(events);
            exchangeLog.setLevel(before);
        }
        assertThat(call("GET", "/readyz", null).statusCode()).isEqualTo(200);
    }

    @Test
    void aBusyPortIsOneIOExceptionNamingTheAddressAndNoStackTraceInTheLog() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        root.addAppender(events);
        try {
            assertThatThrownBy(() -> new HttpApi("127.0.0.1:" + api.port(), client, new HttpApi.Limits(64, 1024),
                    () -> true, () -> "", () -> "", new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)))
                    .isInstanceOf(java.io.IOException.class).hasMessageContaining(Integer.toString(api.port()));
            assertThat(events.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).isEmpty();
        } finally {
            root.detachAppender(events);
        }
    }

    /** Sends bytes as they are (java.net.http refuses malformed targets) and reads the whole answer. */
    private static String raw(String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", api.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
