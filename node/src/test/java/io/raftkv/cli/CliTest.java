package io.raftkv.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftkv.server.InProcessCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The raftkv CLI as a user types it, against a 3-node in-process cluster. */
class CliTest {


    private static InProcessCluster cluster;
    private static String endpoints;

    @BeforeAll
    static void start() throws Exception {
        cluster = new InProcessCluster(3);
        cluster.awaitLeader();
        endpoints = String.join(",", cluster.endpoints());
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    static CliRun raftkv(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        if (all.size() > 0 && !all.get(0).equals("--help") && !all.contains("--help") && !all.contains("-e")) {
            all.add(1, "--endpoints=" + endpoints);
        }
        return CliRun.of(all.toArray(String[]::new));
    }

    @Test
    void putGetDeleteInTextAndJson() throws Exception {
        CliRun put = raftkv("put", "cli/a", "hello world");
        assertThat(put.code()).isZero();
        assertThat(put.out()).startsWith("OK (revision ");
        assertThat(raftkv("get", "cli/a").out()).isEqualTo("hello world");
        JsonNode j = raftkv("get", "cli/a", "--output", "json").json();
        assertThat(j.get("value").asText()).isEqualTo("hello world");
        assertThat(j.get("version").asLong()).isEqualTo(1);
        assertThat(raftkv("delete", "cli/a").out()).isEqualTo("deleted");
        CliRun missing = raftkv("get", "cli/a");
        assertThat(missing.code()).isEqualTo(ExitCodes.NOT_FOUND_OR_CONDITION_FAILED);
        assertThat(missing.err()).contains("not found");
    }

    @Test
    void casSucceedsOnlyWhenTheConditionHolds() {
        assertThat(raftkv("cas", "cli/c", "--expected-version", "0", "one").code()).isZero();
        CliRun failed = raftkv("cas", "cli/c", "--expected", "two", "three");
        assertThat(failed.code()).isEqualTo(ExitCodes.NOT_FOUND_OR_CONDITION_FAILED);
        assertThat(failed.out()).contains("condition failed").contains("'one'");
        assertThat(raftkv("cas", "cli/c", "--expected", "one", "two").code()).isZero();
        assertThat(raftkv("get", "cli/c").out()).isEqualTo("two");
        assertThat(raftkv("cas", "cli/c", "x").code()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void listPagesThroughEverythingUnderAPrefix() throws Exception {
        for (int i = 0; i < 5; i++) {
            raftkv("put", "cli/list/" + i, "v" + i);
        }
        assertThat(raftkv("list", "cli/list/").out()).isEqualTo(
                "cli/list/0\tv0\ncli/list/1\tv1\ncli/list/2\tv2\ncli/list/3\tv3\ncli/list/4\tv4");
        assertThat(raftkv("list", "cli/list/", "--keys-only", "--limit", "2").out()).isEqualTo("cli/list/0\ncli/list/1");
        JsonNode j = raftkv("list", "cli/list/", "-o", "json").json();
        assertThat(j.get("count").asInt()).isEqualTo(5);
        assertThat(j.get("more").asBoolean()).isFalse();
    }

    @Test
    void everySubcommandAnswersHelpAndVersion() {
        // All registered subcommands, so that a new one cannot come without --help.
        java.util.Map<String, picocli.CommandLine> subcommands = new picocli.CommandLine(new RaftKvCli()).getSubcommands();
        assertThat(subcommands).hasSizeGreaterThan(15);
        for (String name : subcommands.keySet()) {
            for (String help : List.of("--help", "-h")) {
                CliRun r = raftkv(name, help);
                assertThat(r.code()).as("raftkv %s %s: %s", name, help, r.err()).isZero();
                assertThat(r.out()).as("raftkv %s %s", name, help).contains("Usage: raftkv " + name)
                        .contains("Exit status:");
                assertThat(r.err()).isEmpty();
            }
            CliRun viaHelp = raftkv("help", name);
            assertThat(viaHelp.code()).isZero();
            assertThat(viaHelp.out()).contains("Usage: raftkv " + name);
        }
    }

    @Test
    void aWrongCommandLineIsOneLineNamingTheCommandAndItsHelp() {
        CliRun missing = raftkv("put");
        assertThat(missing.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(missing.err()).isEqualTo("raftkv put: Missing required parameter: 'KEY' (see 'raftkv put --help')");
        CliRun unknown = raftkv("lst");
        assertThat(unknown.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err()).doesNotContain("\n").contains("did you mean").contains("list");
        CliRun badEndpoint = raftkv("get", "k", "-e", "no-port");
        assertThat(badEndpoint.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(badEndpoint.err()).isEqualTo("raftkv get: endpoint 'no-port' is not HOST:PORT "
                + "(see 'raftkv get --help')");
    }

    @Test
    void valuesComeFromAFileOrStandardInputByteForByte() throws Exception {
        // 600 KiB: more than one command-line argument can hold (128 KiB), less than the node's 1 MiB limit.
        byte[] big = new byte[600 << 10];
        new java.util.Random(7).nextBytes(big);
        java.nio.file.Path file = java.nio.file.Files.createTempFile("raftkv-value", ".bin");
        try {
            java.nio.file.Files.write(file, big);
            assertThat(raftkv("put", "cli/big", "--from-file", file.toString()).code()).isZero();
            JsonNode got = raftkv("get", "cli/big", "-o", "json").json();
            assertThat(java.util.Base64.getDecoder().decode(got.get("value_base64").asText())).isEqualTo(big);
            assertThat(raftkv("put", "cli/big", "x", "--from-file", file.toString()).code()).isEqualTo(ExitCodes.USAGE);
            CliRun noFile = raftkv("put", "cli/big", "--from-file", file + ".missing");
            assertThat(noFile.code()).isEqualTo(ExitCodes.USAGE);
            assertThat(noFile.err()).contains("no such file");
        } finally {
            java.nio.file.Files.delete(file);
        }
        byte[] binary = {0, (byte) 0xff, (byte) 0xfe, '\n', 'a'};
        java.io.InputStream stdin = System.in;
        try {
            System.setIn(new java.io.ByteArrayInputStream(binary));
            assertThat(raftkv("put", "cli/stdin", "-").code()).isZero();
            System.setIn(new java.io.ByteArrayInputStream("from stdin".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            assertThat(raftkv("cas", "cli/stdin2", "--expected-version", "0", "-").code()).isZero();
        } finally {
            System.setIn(stdin);
        }
        JsonNode got = raftkv("get", "cli/stdin", "-o", "json").json();
        assertThat(java.util.Base64.getDecoder().decode(got.get("value_base64").asText())).isEqualTo(binary);
        assertThat(raftkv("get", "cli/stdin2").out()).isEqualTo("from stdin");
    }

    @Test
    void listPagesThroughMoreThanAThousandKeysAndSaysWhenALimitCutsItShort() {
        io.raftkv.client.RaftKvClient client = cluster.client();
        for (int batch = 0; batch < 1205; batch += 100) {
            java.util.List<java.util.concurrent.CompletableFuture<?>> writes = new ArrayList<>();
            for (int i = batch; i < Math.min(batch + 100, 1205); i++) {
                writes.add(client.putAsync(com.google.protobuf.ByteString.copyFromUtf8(String.format("cli/many/%05d", i)),
                        com.google.protobuf.ByteString.copyFromUtf8("v")));
            }
            writes.forEach(java.util.concurrent.CompletableFuture::join);
        }
        CliRun all = raftkv("list", "cli/many/", "--keys-only");
        assertThat(all.code()).isZero();
        assertThat(all.out().split("\n")).hasSize(1205).endsWith("cli/many/01204");
        assertThat(all.err()).isEmpty();
        CliRun limited = raftkv("list", "cli/many/", "--keys-only", "--limit", "1000");
        assertThat(limited.out().split("\n")).hasSize(1000);
        assertThat(limited.err()).isEqualTo("listed 1000 keys, more follow: --limit 0 lists all, "
                + "--after 'cli/many/00999' goes on");
        CliRun rest = raftkv("list", "cli/many/", "--keys-only", "--after", "cli/many/00999");
        assertThat(rest.out().split("\n")).hasSize(205).startsWith("cli/many/01000");
    }

    @Test
    void statusAndMembersDescribeTheCluster() throws Exception {
        CliRun status = raftkv("status");
        assertThat(status.code()).isZero();
        assertThat(status.out()).contains("LEADER").contains("FOLLOWER")
                .contains("cluster: healthy: leader " + cluster.awaitLeader().id());
        JsonNode json = raftkv("status", "-o", "json").json();
        assertThat(json.get("state").asText()).isEqualTo("healthy");
        assertThat(json.get("nodes")).hasSize(3);
        JsonNode members = raftkv("members", "-o", "json").json();
        assertThat(members.get("members")).hasSize(3);
    }

    @Test
    void transferLeaderMovesLeadership() {
        long target = cluster.followers().get(0).id();
        CliRun r = raftkv("transfer-leader", Long.toString(target));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("leader is now " + target + " (term " + cluster.node(target).runtime().view().term() + ")");
    }

    @Test
    void transferLeaderWithoutAnIdPicksAVoterEvenWhenAskingAFollowerFirst() {
        long before = cluster.awaitLeader().id();
        // A follower first, so that the request meets a node that cannot pick the target itself.
        String followerFirst = cluster.address(cluster.followers().get(0).id()) + "," + endpoints;
        CliRun r = raftkv("transfer-leader", "-e", followerFirst);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("leader is now ").doesNotContain("leader is now " + before + " ");
    }

    @Test
    void benchDrivesTheClusterThroughTheJavaClient() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = RaftKvCli.run(new String[] {"bench", "put", "--target", "raftkv://" + endpoints, "--clients", "4",
                "--conns", "2", "--total", "200"}, new PrintWriter(out), new PrintWriter(err));
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("200");
    }

    @Test
    void errorsHaveMeaningfulExitCodes() {
        CliRun invalid = raftkv("put", "", "v");
        assertThat(invalid.code()).isEqualTo(ExitCodes.INVALID);
        assertThat(invalid.err()).contains("INVALID_KEY");
        CliRun refused = raftkv("promote", "42");
        assertThat(refused.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(raftkv("frobnicate").code()).isEqualTo(ExitCodes.USAGE);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int unreachable = RaftKvCli.run(new String[] {"get", "k", "--endpoints", "127.0.0.1:1", "--timeout", "1"},
                new PrintWriter(out), new PrintWriter(err));
        assertThat(unreachable).isEqualTo(ExitCodes.UNAVAILABLE);
    }
}
