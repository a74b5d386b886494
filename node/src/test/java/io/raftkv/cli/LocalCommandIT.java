package io.raftkv.cli;

import io.raftkv.server.InProcessCluster;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** `raftkv local --nodes 3` from the packaged jar, used the way the README says, then stopped with SIGTERM. */
class LocalCommandIT {

    @TempDir
    Path dir;

    @Test
    void localClusterStartsServesTheCliAndCurlAndStopsCleanly() throws Exception {
        String jar = System.getProperty("raftkv.jar");
        Assumptions.assumeTrue(jar != null && Files.exists(Path.of(jar)),
                "the packaged jar (raftkv.jar system property) is needed; run through `mvn verify`");
        int grpc = InProcessCluster.freePorts(3); // node i listens on base + i - 1
        int http = InProcessCluster.freePorts(3);
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-jar", jar,
                "local", "--nodes", "3", "--dir", dir.resolve("cluster").toString(), "--base-port", Integer.toString(grpc),
                "--http-base-port", Integer.toString(http)));
        Process local = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        StringBuilder printed = new StringBuilder();
        CompletableFuture<Void> ready = CompletableFuture.runAsync(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(local.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (printed) {
                        printed.append(line).append('\n');
                    }
                    if (line.startsWith("Press Ctrl-C")) {
                        return;
                    }
                }
                throw new AssertionError("raftkv local ended early:\n" + printed);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try {
            ready.get(90, TimeUnit.SECONDS);
            assertThat(printed.toString()).contains("RaftKV local cluster: 3 nodes").contains("pid ");
            // The nodes start with the class-data-sharing archive, built beside the jar by a warm-up run.
            Path archive = Path.of(jar + ".jsa");
            assertThat(archive).isRegularFile();
            assertThat(Files.size(archive)).isPositive();
            java.util.regex.Matcher pid = java.util.regex.Pattern.compile("pid (\\d+)").matcher(printed);
            assertThat(pid.find()).isTrue();
            assertThat(ProcessHandle.of(Long.parseLong(pid.group(1))).flatMap(h -> h.info().arguments())
                    .map(List::of).orElseThrow()).contains("-XX:SharedArchiveFile=" + archive.toAbsolutePath());
            String endpoints = "127.0.0.1:" + grpc + ",127.0.0.1:" + (grpc + 1) + ",127.0.0.1:" + (grpc + 2);
            assertThat(cli("put", "greeting", "hello", "-e", endpoints)).startsWith("OK (revision ");
            assertThat(cli("get", "greeting", "-e", endpoints)).isEqualTo("hello");
            HttpClient client = HttpClient.newHttpClient();
            String got = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + (http + 1)
                    + "/get?key=greeting")).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(got).contains("\"value\":\"hello\"");
        } finally {
            local.destroy(); // SIGTERM: the command stops its nodes gracefully
            assertThat(local.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        for (int i = 1; i <= 3; i++) {
            assertThat(Files.readString(dir.resolve("cluster/node-" + i + ".log"))).contains("node " + i + " stopped");
        }
    }

    private static String cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = RaftKvCli.run(args, new PrintWriter(out), new PrintWriter(err));
        assertThat(code).as(err.toString()).isZero();
        return out.toString().trim();
    }
}
