package io.raftkv.cli;

import io.raftkv.server.InProcessCluster;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * README's "Use it" section, run as written against a fresh `raftkv local` of the packaged jar: every command of
 * its sh blocks, parsed out of README.md (so that README and test cannot drift), through bash, and the output
 * each comment documents. The only rewriting: the cluster runs on free ports (README's 7001-7003 and 8001-8003
 * are replaced), and `./raftkv` is the packaged jar with RAFTKV_ENDPOINTS naming those ports.
 *
 * <p>A comment is the literal output (numbers stand for any number, "..." for anything), unless the command has
 * a check in {@link #DESCRIBED}, for comments that describe the output in words.
 */
class ReadmeWalkthroughIT {

    /** Checks for the comments that describe rather than show the output, by the command they follow. */
    private static final Map<String, Consumer<String>> DESCRIBED = new LinkedHashMap<>();

    static {
        DESCRIBED.put("./raftkv list", out -> {
            // every key, in byte order
            List<String> keys = out.lines().map(l -> l.split("\t", 2)[0]).toList();
            assertThat(keys).isSorted().contains("greeting");
            assertThat(out).contains("greeting\tbonjour");
        });
        DESCRIBED.put("./raftkv status", out -> {
            // each node's role, term, leader, commit/applied index
            assertThat(out.lines().findFirst().orElseThrow()).contains("ROLE", "TERM", "LEADER", "COMMIT", "APPLIED");
            assertThat(out).contains("LEADER", "FOLLOWER").contains("cluster: healthy");
            assertThat(out.lines().filter(l -> l.matches("^[123] .*"))).hasSize(3);
        });
        DESCRIBED.put("./raftkv members", out -> {
            // the leader's view: members, match index, lag
            assertThat(out.lines().findFirst().orElseThrow()).contains("ID", "ROLE", "MATCH", "LAG");
            assertThat(out.lines().filter(l -> l.matches("^[123] .*"))).hasSize(3);
        });
        DESCRIBED.put("./raftkv transfer-leader 2", out -> assertThat(out).startsWith("leader is now 2 "));
    }

    @TempDir
    Path dir;

    record Line(String command, String comment) {
    }

    record Run(int code, String out, String err) {
    }

    @Test
    void everyCommandOfUseItWorksAsDocumented() throws Exception {
        String jar = jar();
        List<Line> lines = useItCommands(Files.readString(readme()));
        assertThat(lines).as("commands of README's Use it section").hasSizeGreaterThanOrEqualTo(10);
        boolean curl = new ProcessBuilder("sh", "-c", "command -v curl").start().waitFor() == 0;
        int grpc = InProcessCluster.freePorts(3);
        int http = InProcessCluster.freePorts(3);
        Process local = new ProcessBuilder(java(), "-jar", jar, "local", "--nodes", "3",
                "--dir", dir.resolve("cluster").toString(), "--base-port", Integer.toString(grpc),
                "--http-base-port", Integer.toString(http))
                .redirectErrorStream(true).redirectOutput(dir.resolve("local.out").toFile()).start();
        try {
            awaitReady(local, http);
            Map<String, String> env = Map.of("RAFTKV_ENDPOINTS",
                    "127.0.0.1:" + grpc + ",127.0.0.1:" + (grpc + 1) + ",127.0.0.1:" + (grpc + 2));
            for (Line line : lines) {
                if (line.command().startsWith("curl") && !curl) {
                    continue; // README's curl lines need curl; the CLI lines still run
                }
                String command = ports(line.command(), grpc, http)
                        .replace("./raftkv ", "\"$RAFTKV_JAVA\" -jar \"$RAFTKV_JAR\" ");
                Run r = bash(command, env, jar);
                String what = line.command() + "\n-- stdout:\n" + r.out() + "\n-- stderr:\n" + r.err();
                assertThat(r.code()).as(what).isZero();
                assertThat(r.err()).as(what).doesNotContain("Exception").doesNotContainPattern("(?m)^\\s+at ");
                Consumer<String> described = DESCRIBED.get(line.command());
                if (described != null) {
                    described.accept(r.out());
                } else if (line.comment() != null) {
                    assertThat(r.out()).as(what).matches(documented(line.comment()));
                }
            }
        } finally {
            local.destroy(); // SIGTERM: the command stops its nodes gracefully
            assertThat(local.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void unreachableEndpointsFailAtOnceInOneLineWithoutStackTraces() throws Exception {
        String jar = jar();
        int closed = InProcessCluster.freePort();
        for (String endpoint : List.of("raftkv-test.invalid:7001", "127.0.0.1:" + closed)) {
            Run r = bash("\"$RAFTKV_JAVA\" -jar \"$RAFTKV_JAR\" put k v --timeout 120 -e " + endpoint, Map.of(), jar);
            assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.UNAVAILABLE);
            assertThat(r.err().lines()).as(r.err()).hasSize(1).first().asString()
                    .startsWith("error: UNREACHABLE: no member answered: " + endpoint);
        }
    }

    /** The commands of the sh blocks of README's "Use it" section, with the comment after each (or null). */
    static List<Line> useItCommands(String readme) {
        int start = readme.indexOf("\n## Use it\n");
        assertThat(start).as("README has a Use it section").isNotNegative();
        int end = readme.indexOf("\n## ", start + 1);
        String section = readme.substring(start, end < 0 ? readme.length() : end);
        List<Line> lines = new ArrayList<>();
        Matcher block = Pattern.compile("```sh\n(.*?)```", Pattern.DOTALL).matcher(section);
        while (block.find()) {
            for (String l : block.group(1).split("\n")) {
                if (l.isBlank()) {
                    continue;
                }
                Matcher m = Pattern.compile("^(.*?)\\s+#\\s(.*)$").matcher(l);
                lines.add(m.matches() ? new Line(m.group(1).strip(), m.group(2).strip()) : new Line(l.strip(), null));
            }
        }
        return lines;
    }

    /** A documented output as a pattern: numbers match any number, "..." anything, the rest literally. */
    static String documented(String comment) {
        StringBuilder re = new StringBuilder("(?s)");
        Matcher m = Pattern.compile("\\d+|\\.\\.\\.").matcher(comment);
        int at = 0;
        while (m.find()) {
            re.append(Pattern.quote(comment.substring(at, m.start())));
            re.append(m.group().equals("...") ? ".*" : "\\d+");
            at = m.end();
        }
        return re.append(Pattern.quote(comment.substring(at))).toString();
    }

    private static String ports(String command, int grpc, int http) {
        String s = command;
        for (int i = 0; i < 3; i++) {
            s = s.replace(":700" + (i + 1), ":" + (grpc + i)).replace(":800" + (i + 1), ":" + (http + i));
        }
        return s;
    }

    private Run bash(String command, Map<String, String> env, String jar) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", command).directory(dir.toFile());
        pb.environment().putAll(env);
        pb.environment().put("RAFTKV_JAVA", java());
        pb.environment().put("RAFTKV_JAR", jar);
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).as(command).isTrue();
        return new Run(p.exitValue(), Files.readString(out).strip(), Files.readString(err).strip());
    }

    private void awaitReady(Process local, int http) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() -> {
            assertThat(local.isAlive()).as("raftkv local is running:\n%s", printed()).isTrue();
            for (int i = 0; i < 3; i++) {
                try {
                    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                            + (http + i) + "/readyz")).timeout(Duration.ofSeconds(2)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 200) {
                        return false;
                    }
                } catch (IOException e) {
                    return false;
                }
            }
            return true;
        });
    }

    private String printed() throws IOException {
        Path out = dir.resolve("local.out");
        return Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8) : "";
    }

    private static String jar() {
        String jar = System.getProperty("raftkv.jar");
        Assumptions.assumeTrue(jar != null && Files.exists(Path.of(jar)),
                "the packaged jar (raftkv.jar system property) is needed; run through `mvn verify`");
        return jar;
    }

    private static Path readme() {
        for (Path p : Arrays.asList(Path.of("README.md"), Path.of("..", "README.md"))) {
            if (Files.exists(p) && Files.isRegularFile(p)) {
                try {
                    if (Files.readString(p).contains("\n## Use it\n")) {
                        return p;
                    }
                } catch (IOException ignored) {
                    // try the next
                }
            }
        }
        throw new AssertionError("README.md with a Use it section not found from " + Path.of("").toAbsolutePath());
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }
}
