package io.raftkv.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.raftkv.config.NodeConfig;
import io.raftkv.server.InProcessCluster;
import io.raftkv.server.RaftKvNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The HTTP port as curl sees it, on a follower (writes are forwarded to the leader). */
class HttpApiTest {

    private static InProcessCluster cluster;
    private static String base;
    private static long servedBy;
    private static final HttpClient http = HttpClient.newHttpClient();
    private static final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        cluster = new InProcessCluster(3, c -> {
            try {
                return new NodeConfig(c.clusterName(), c.nodeId(), c.listen(), c.advertise(),
                        "127.0.0.1:" + InProcessCluster.freePort(), c.dataDir(), c.initialClusterState(), c.peers(),
                        c.kubernetes(), c.logLevel(), c.raft(), c.snapshot(), c.limits(), c.disk());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        RaftKvNode follower = cluster.followers().get(0);
        base = "http://127.0.0.1:" + follower.httpPort();
        servedBy = follower.id();
        await().until(() -> call("GET", "/readyz", null).statusCode() == 200);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    static HttpResponse<String> call(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthReadinessAndMetrics() throws Exception {
        assertThat(call("GET", "/healthz", null).statusCode()).isEqualTo(200);
        HttpResponse<String> ready = call("GET", "/readyz", null);
        assertThat(ready.body()).startsWith("ready: node ");
        HttpResponse<String> metrics = call("GET", "/metrics", null);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("raftkv_term").contains("raftkv_applied_index")
                .contains("raftkv_fsync_seconds_bucket").contains("raftkv_disk_alarm");
    }

    @Test
    void everyRaftkvMetricHasHelpAndTheProcessStoreAndPeersAreMeasured() throws Exception {
        call("PUT", "/v1/kv/metrics-probe", "x");
        String text = call("GET", "/metrics", null).body();
        Map<String, String> help = new HashMap<>();
        Set<String> families = new TreeSet<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# HELP ")) {
                String[] parts = line.substring(7).split(" ", 2);
                help.put(parts[0], parts.length > 1 ? parts[1].trim() : "");
            } else if (line.startsWith("# TYPE raftkv_")) {
                families.add(line.substring(7).split(" ")[0]);
            }
        }
        assertThat(families).hasSizeGreaterThan(15);
        for (String family : families) {
            assertThat(help.get(family)).as("HELP of " + family).isNotBlank();
        }
        assertThat(text).contains("jvm_memory_used_bytes{").contains("process_start_time_seconds")
                .contains("process_files_open_files").contains("process_resident_memory_bytes")
                .contains("jvm_threads_live_threads").contains("jvm_classes_loaded_classes")
                .contains("process_cpu_usage").contains("raftkv_data_dir_bytes").contains("raftkv_data_dir_free_bytes");
        assertThat(gauge(text, "raftkv_keys")).isGreaterThanOrEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String t = call("GET", "/metrics", null).body();
            for (long other : cluster.nodes.keySet()) {
                if (other != servedBy) {
                    assertThat(gauge(t, "raftkv_peer_connected", "peer=\"" + other + "\"")).isEqualTo(1);
                    assertThat(gauge(t, "raftkv_peer_last_contact_seconds", "peer=\"" + other + "\""))
                            .isBetween(0.0, 5.0);
                }
            }
        });
    }

    /** The value of the first sample of {@code name} whose labels contain every {@code label}. */
    private static double gauge(String text, String name, String... labels) {
        for (String line : text.split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                String series = line.substring(0, line.lastIndexOf(' '));
                if (java.util.Arrays.stream(labels).allMatch(series::contains)) {
                    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
        }
        throw new AssertionError("no sample " + name + " " + String.join(",", labels));
    }

    @Test
    void setGetDeleteThroughAFollower() throws Exception {
        HttpResponse<String> set = call("POST", "/set", "{\"key\":\"h1\",\"value\":\"v1\"}");
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
        assertThat(json.readTree(set.body()).get("version").asLong()).isEqualTo(1);
        JsonNode got = json.readTree(call("GET", "/get?key=h1", null).body());
        assertThat(got.get("value").asText()).isEqualTo("v1");
        assertThat(call("DELETE", "/delete?key=h1", null).body()).contains("\"deleted\":true");
        HttpResponse<String> missing = call("GET", "/get?key=h1", null);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(json.readTree(missing.body()).get("error").asText()).isEqualTo("NOT_FOUND");
    }

    @Test
    void restStyleKeyPaths() throws Exception {
        assertThat(call("PUT", "/v1/kv/dir%2Fkey", "raw value").statusCode()).isEqualTo(200);
        HttpResponse<String> got = call("GET", "/v1/kv/dir%2Fkey", null);
        assertThat(got.body()).isEqualTo("raw value");
        assertThat(got.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
        assertThat(got.headers().firstValueAsLong("X-Raftkv-Version")).hasValue(1);
        assertThat(json.readTree(call("GET", "/get?key=dir%2Fkey", null).body()).get("value").asText())
                .isEqualTo("raw value");
        HttpResponse<String> head = call("HEAD", "/v1/kv/dir%2Fkey", null);
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValueAsLong("Content-Length")).hasValue(9);
        assertThat(call("DELETE", "/v1/kv/dir%2Fkey", null).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/v1/kv/dir%2Fkey", null).statusCode()).isEqualTo(404);
        assertThat(call("PATCH", "/v1/kv/x", "y").statusCode()).isEqualTo(405);
    }

    @Test
    void bytesInAreTheBytesStored() throws Exception {
        byte[] value = {(byte) 0xff, (byte) 0xfe, 0, (byte) 0x80, 'x', (byte) 0xc3};
        HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/kv/bin%FF%01a+b"))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(value)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        assertThat(json.readTree(put.body()).get("key_base64").asText())
                .isEqualTo(Base64.getEncoder().encodeToString(new byte[] {'b', 'i', 'n', (byte) 0xff, 1, 'a', '+', 'b'}));
        HttpResponse<byte[]> raw = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/kv/bin%FF%01a+b")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(raw.body()).isEqualTo(value);
        // The JSON route gives the same bytes, in base64 since they are not UTF-8.
        JsonNode got = json.readTree(call("GET", "/get?key=bin%FF%01a%2Bb", null).body());
        assertThat(got.has("value")).isFalse();
        assertThat(Base64.getDecoder().decode(got.get("value_base64").asText())).isEqualTo(value);
        // '+' is a plus, not a space, and a distinct binary key does not collide with its U+FFFD rendering.
        assertThat(call("GET", "/v1/kv/bin%FF%01a%20b", null).statusCode()).isEqualTo(404);
        assertThat(call("GET", "/v1/kv/bin%EF%BF%BD%01a+b", null).statusCode()).isEqualTo(404);
        // A NUL byte cannot be in a path (Jetty refuses %00 there): the query and JSON routes carry it.
        HttpResponse<String> nul = call("PUT", "/v1/kv/a%00b", "v");
        assertThat(nul.statusCode()).isEqualTo(400);
        assertThat(json.readTree(nul.body()).get("message").asText()).contains("%00");
        assertThat(call("POST", "/set", "{\"key_base64\":\"YQBi\",\"value\":\"nul\"}").statusCode()).isEqualTo(200);
        assertThat(json.readTree(call("GET", "/get?key=a%00b", null).body()).get("value").asText()).isEqualTo("nul");
        // And /set takes base64 for binary values.
        HttpResponse<String> set = call("POST", "/set", "{\"key\":\"b64\",\"value_base64\":\""
                + Base64.getEncoder().encodeToString(value) + "\"}");
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
        assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/v1/kv/b64")).build(),
                HttpResponse.BodyHandlers.ofByteArray()).body()).isEqualTo(value);
    }

    @Test
    void badInputIsA400WithAReason() throws Exception {
        HttpResponse<String> noKey = call("GET", "/get", null);
        assertThat(noKey.statusCode()).isEqualTo(400);
        assertThat(noKey.body()).contains("missing query parameter 'key'");
        assertThat(call("POST", "/set", "not json").statusCode()).isEqualTo(400);
        assertThat(call("POST", "/set", "{\"key\":\"k\"}").statusCode()).isEqualTo(400);
        HttpResponse<String> emptyKey = call("POST", "/set", "{\"key\":\"\",\"value\":\"v\"}");
        assertThat(emptyKey.statusCode()).isEqualTo(400);
        assertThat(json.readTree(emptyKey.body()).get("error").asText()).isEqualTo("INVALID_KEY");
        assertThat(call("GET", "/set", null).statusCode()).isEqualTo(405);
    }
}
