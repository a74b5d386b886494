package io.raftkv.replica.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The referee counts and grades as PROTOCOL.md says. */
class CourseSimulatorTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ScenarioSpec spec(String extra) throws Exception {
        return ScenarioSpec.parse("t", JSON.readTree("{\"lifetime\":10,\"replicas\":3,\"requests\":2,\"mix\":0.0"
                + extra + ",\"tests\":{\"benchmarks\":{\"total_msgs\":[10,20,30],\"failures\":[0,1,2],"
                + "\"duplicates\":[0,2,5],\"median_latency\":[0.001,0.005,0.05]}}}"));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static CourseSimulator connected(ScenarioSpec spec) {
        CourseSimulator sim = new CourseSimulator(spec, new Random(3));
        sim.replicaIds().forEach(sim::connected);
        return sim;
    }

    /** Fires the first request and returns it as the replica receives it. */
    private static JsonNode firstRequest(CourseSimulator sim) throws Exception {
        List<CourseSimulator.Action> a = sim.advanceTo(sim.nextDueNanos());
        assertThat(a).hasSize(1);
        return JSON.readTree(((CourseSimulator.Deliver) a.get(0)).packet());
    }

    private static String answer(JsonNode req, String type, String leader) {
        return "{\"src\":\"" + req.get("dst").asText() + "\",\"dst\":\"" + req.get("src").asText() + "\",\"leader\":\""
                + leader + "\",\"type\":\"" + type + "\",\"MID\":\"" + req.get("MID").asText() + "\"}";
    }

    @Test
    void gradesCompareWithStrictlyLess() {
        double[] t = {1000, 3000, 4000};
        assertThat(RunStats.grade(999, t)).isEqualTo(RunStats.Grade.BONUS);
        assertThat(RunStats.grade(1000, t)).isEqualTo(RunStats.Grade.PASS);
        assertThat(RunStats.grade(3999, t)).isEqualTo(RunStats.Grade.PARTIAL);
        assertThat(RunStats.grade(4000, t)).isEqualTo(RunStats.Grade.FAIL);
    }

    @Test
    void countsMessagesBetweenReplicasAndBroadcastsAsCopies() throws Exception {
        CourseSimulator sim = connected(spec(""));
        sim.onPacket(bytes("{\"src\":\"0000\",\"dst\":\"0001\",\"leader\":\"0000\",\"type\":\"A\"}"), 0);
        List<CourseSimulator.Action> b = sim.onPacket(bytes("{\"src\":\"0000\",\"dst\":\"FFFF\",\"leader\":\"0000\",\"type\":\"H\"}"), 0);
        assertThat(b).hasSize(2);
        assertThat(sim.finish().totalMsgs()).isEqualTo(3);
    }

    @Test
    void gradesMessagesWithTheAnswersToClientsCounted() throws Exception {
        CourseSimulator sim = connected(spec(""));
        JsonNode put = firstRequest(sim);
        sim.onPacket(bytes("{\"src\":\"0000\",\"dst\":\"0001\",\"leader\":\"0000\",\"type\":\"A\"}"), 0);
        sim.onPacket(bytes(answer(put, "redirect", "0000")), 1000);
        RunStats stats = sim.finish();
        assertThat(stats.totalMsgs()).as("to replicas, as PROTOCOL.md counts").isEqualTo(1);
        assertThat(stats.gradedMsgs()).as("and the redirect to the client").isEqualTo(2);
        assertThat(stats.metric("total_msgs")).isEqualTo(2);
    }

    @Test
    void aGetForAClientWithNoAcknowledgedPutIsSentAsAPutAndCounted() throws Exception {
        // mix 1.0: every scheduled request is a get, but no client has an acknowledged key yet.
        ScenarioSpec allGets = ScenarioSpec.parse("t", JSON.readTree("{\"lifetime\":10,\"replicas\":3,"
                + "\"requests\":3,\"mix\":1.0,\"tests\":{\"benchmarks\":{\"total_msgs\":[10,20,30],"
                + "\"failures\":[0,1,2],\"duplicates\":[0,2,5],\"median_latency\":[0.001,0.005,0.05]}}}"));
        CourseSimulator sim = connected(allGets);
        JsonNode first = firstRequest(sim);
        assertThat(first.get("type").asText()).isEqualTo("put");
        sim.onPacket(bytes(answer(first, "ok", "0000")), 1000);
        RunStats stats = sim.finish();
        assertThat(stats.getsNotGenerated).isEqualTo(1);
        assertThat(stats.correctnessFailures(allGets)).anySatisfy(f -> assertThat(f).contains(
                "insufficient get() requests were generated"));
    }

    @Test
    void aSecondOkIsADuplicateAndAnAnswerAfterARedirectIsIncorrect() throws Exception {
        CourseSimulator sim = connected(spec(""));
        JsonNode put = firstRequest(sim);
        List<CourseSimulator.Action> retry = sim.onPacket(bytes(answer(put, "redirect", "FFFF")), 1000);
        assertThat(retry).hasSize(1);
        JsonNode again = JSON.readTree(((CourseSimulator.Deliver) retry.get(0)).packet());
        assertThat(again.get("MID").asText()).isNotEqualTo(put.get("MID").asText());
        assertThat(again.get("key").asText()).isEqualTo(put.get("key").asText());
        sim.onPacket(bytes(answer(put, "ok", "0000")), 2000);
        sim.onPacket(bytes(answer(again, "ok", "0000")), 3000);
        sim.onPacket(bytes(answer(again, "ok", "0000")), 4000);
        RunStats stats = sim.finish();
        assertThat(stats.incorrect()).isEqualTo(1);
        assertThat(stats.duplicates()).isEqualTo(1);
        assertThat(stats.failures()).as("a redirect is not a failure, and the retry was answered").isZero();
    }

    @Test
    void malformedAndOversizedMessagesAreIncorrect() throws Exception {
        CourseSimulator sim = connected(spec(""));
        sim.onPacket(bytes("not json"), 0);
        sim.onPacket(bytes("{\"src\":\"0000\",\"dst\":\"0001\",\"type\":\"A\"}"), 0);
        sim.onPacket(bytes("{\"src\":\"0000\",\"dst\":\"0001\",\"leader\":\"12345\",\"type\":\"A\"}"), 0);
        sim.onPacket(bytes("{\"src\":\"0000\",\"dst\":\"0001\",\"leader\":\"0000\",\"type\":\"A\",\"x\":\""
                + "y".repeat(16400) + "\"}"), 0);
        sim.onPacket(bytes("{\"src\":\"0000\",\"dst\":\"0ABC\",\"leader\":\"0000\",\"type\":\"A\"}"), 0);
        assertThat(sim.finish().incorrect()).isEqualTo(5);
    }

    @Test
    void aMessageToAReplicaThatHasNotConnectedKillsIt() throws Exception {
        CourseSimulator sim = new CourseSimulator(spec(""), new Random(3));
        sim.connected("0000");
        List<CourseSimulator.Action> a = sim.onPacket(bytes("{\"src\":\"0000\",\"dst\":\"0001\",\"leader\":\"0000\",\"type\":\"V\"}"), 0);
        assertThat(a).containsExactly(new CourseSimulator.Kill("0001"));
        RunStats stats = sim.finish();
        assertThat(stats.died()).isEqualTo(1);
        assertThat(stats.correctnessFailures(spec(""))).anyMatch(f -> f.contains("died"));
    }

    @Test
    void killLeaderKillsWhomTheLastMessageNamed() throws Exception {
        CourseSimulator sim = connected(spec(",\"events\":[{\"type\":\"kill_leader\",\"time\":0}]"));
        sim.onPacket(bytes("{\"src\":\"0001\",\"dst\":\"0002\",\"leader\":\"0002\",\"type\":\"A\"}"), 0);
        List<CourseSimulator.Action> a = sim.advanceTo(CourseSimulator.seconds(2.0));
        assertThat(a).contains(new CourseSimulator.Kill("0002"));
        assertThat(sim.isLiving("0002")).isFalse();
    }

    @Test
    void aHardPartitionDropsMessagesAcrossIt() throws Exception {
        CourseSimulator sim = connected(spec(",\"requests\":0,\"events\":[{\"type\":\"part_hard\",\"time\":0}]"));
        sim.advanceTo(CourseSimulator.seconds(2.0));
        int delivered = 0;
        for (String a : sim.replicaIds()) {
            for (String b : sim.replicaIds()) {
                if (!a.equals(b)) {
                    delivered += sim.onPacket(bytes("{\"src\":\"" + a + "\",\"dst\":\"" + b
                            + "\",\"leader\":\"FFFF\",\"type\":\"A\"}"), 0).size();
                }
            }
        }
        // Three replicas split 2 | 1: only the two on the majority side still reach each other.
        assertThat(delivered).isEqualTo(2);
    }

    @Test
    void aGetWithAValueOtherThanTheLastAcknowledgedPutIsIncorrect() throws Exception {
        CourseSimulator sim = connected(ScenarioSpec.parse("t", JSON.readTree("{\"lifetime\":100,\"replicas\":3,"
                + "\"requests\":200,\"mix\":1.0,\"tests\":{}}")));
        JsonNode req = firstRequest(sim);
        int puts = 0;
        while (req.get("type").asText().equals("put")) { // a client with no keys yet puts instead of getting
            sim.onPacket(bytes(answer(req, "ok", "0000")), 10);
            puts++;
            req = firstRequest(sim);
        }
        assertThat(puts).isBetween(1, CourseSimulator.NUM_CLIENTS);
        String wrong = answer(req, "ok", "0000").replace("}", ",\"value\":\"other\"}");
        sim.onPacket(bytes(wrong), 20);
        assertThat(sim.finish().incorrect()).isEqualTo(1);
    }
}
