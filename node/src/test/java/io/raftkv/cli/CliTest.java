package io.raftkv.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

    record Result(int code, String out, String err) {
        JsonNode json() throws Exception {
            return new ObjectMapper().readTree(out);
        }
    }

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

    static Result raftkv(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        if (all.size() > 0 && !all.get(0).equals("--help")) {
            all.add(1, "--endpoints=" + endpoints);
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = RaftKvCli.run(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString().trim(), err.toString().trim());
    }

    @Test
    void putGetDeleteInTextAndJson() throws Exception {
        Result put = raftkv("put", "cli/a", "hello world");
        assertThat(put.code()).isZero();
        assertThat(put.out()).startsWith("OK (revision ");
        assertThat(raftkv("get", "cli/a").out()).isEqualTo("hello world");
        JsonNode j = raftkv("get", "cli/a", "--output", "json").json();
        assertThat(j.get("value").asText()).isEqualTo("hello world");
        assertThat(j.get("version").asLong()).isEqualTo(1);
        assertThat(raftkv("delete", "cli/a").out()).isEqualTo("deleted");
        Result missing = raftkv("get", "cli/a");
        assertThat(missing.code()).isEqualTo(ExitCodes.NOT_FOUND_OR_CONDITION_FAILED);
        assertThat(missing.err()).contains("not found");
    }

    @Test
    void casSucceedsOnlyWhenTheConditionHolds() {
        assertThat(raftkv("cas", "cli/c", "--expected-version", "0", "one").code()).isZero();
        Result failed = raftkv("cas", "cli/c", "--expected", "two", "three");
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
    void statusAndMembersDescribeTheCluster() throws Exception {
        Result status = raftkv("status");
        assertThat(status.code()).isZero();
        assertThat(status.out()).contains("LEADER").contains("FOLLOWER");
        JsonNode members = raftkv("members", "-o", "json").json();
        assertThat(members.get("members")).hasSize(3);
    }

    @Test
    void transferLeaderMovesLeadership() {
        long target = cluster.followers().get(0).id();
        Result r = raftkv("transfer-leader", Long.toString(target));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("leader is now " + target + " (term " + cluster.node(target).runtime().view().term() + ")");
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
        Result invalid = raftkv("put", "", "v");
        assertThat(invalid.code()).isEqualTo(ExitCodes.INVALID);
        assertThat(invalid.err()).contains("INVALID_KEY");
        Result refused = raftkv("promote", "42");
        assertThat(refused.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(raftkv("frobnicate").code()).isEqualTo(ExitCodes.USAGE);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int unreachable = RaftKvCli.run(new String[] {"get", "k", "--endpoints", "127.0.0.1:1", "--timeout", "1"},
                new PrintWriter(out), new PrintWriter(err));
        assertThat(unreachable).isEqualTo(ExitCodes.UNAVAILABLE);
    }
}
