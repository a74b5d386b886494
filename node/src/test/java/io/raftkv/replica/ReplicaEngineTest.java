package io.raftkv.replica;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.raftkv.raft.Role;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine's client contract, on five engines joined by an instant in-memory network with a manual clock;
 * with the default lease reads here, and with ReadIndex rounds in {@link ReadIndexReplicaEngineTest}.
 */
class ReplicaEngineTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MS = 1_000_000;
    private static final List<String> NAMES = List.of("0000", "0001", "0002", "0003", "0004");
    private static final String CLIENT = "0015";

    private final Map<String, ReplicaEngine> engines = new LinkedHashMap<>();
    private final Set<String> isolated = new HashSet<>();
    private final List<JsonNode> answers = new ArrayList<>();
    private final List<JsonNode> peerTraffic = new ArrayList<>();
    private final ArrayDeque<Outbound> wire = new ArrayDeque<>();
    private final Map<Outbound, String> senders = new java.util.IdentityHashMap<>();
    private long now;

    @BeforeEach
    void startCluster() {
        long seed = 1;
        for (String n : NAMES) {
            List<String> others = NAMES.stream().filter(o -> !o.equals(n)).toList();
            engines.put(n, new ReplicaEngine(new ReplicaIds(n, others), settings(), seed++));
        }
    }

    ReplicaSettings settings() {
        return ReplicaSettings.defaults();
    }

    @Test
    void sendsNothingToPeersDuringTheStartUpQuiet() {
        advanceUntil(() -> false, ReplicaSettings.defaults().startupQuietNanos() - MS);
        assertThat(peerTraffic).isEmpty();
    }

    @Test
    void putIsAnsweredOkOnceAndAGetReadsIt() {
        String leader = awaitLeader();
        client(leader, "put", "m1", "k", "v1");
        awaitAnswer("m1");
        client(leader, "get", "m2", "k", null);
        JsonNode get = awaitAnswer("m2");
        assertThat(get.get("type").asText()).isEqualTo("ok");
        assertThat(get.get("value").asText()).isEqualTo("v1");
        assertThat(get.get("leader").asText()).isEqualTo(leader);
        client(leader, "get", "m3", "never-written", null);
        assertThat(awaitAnswer("m3").get("value").asText()).isEmpty();
        advance(3_000 * MS);
        assertThat(answersFor("m1")).hasSize(1).allSatisfy(a -> assertThat(a.get("type").asText()).isEqualTo("ok"));
        assertThat(answersFor("m2")).hasSize(1);
    }

    @Test
    void followerHoldsARequestUntilItHearsFromItsLeaderThenRedirectsThere() {
        String leader = awaitLeader();
        String follower = NAMES.stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
        client(follower, "get", "m1", "k", null);
        assertThat(answersFor("m1")).as("not redirected before the leader shows it is alive").isEmpty();
        JsonNode a = awaitAnswer("m1");
        assertThat(a.get("type").asText()).isEqualTo("redirect");
        assertThat(a.get("leader").asText()).isEqualTo(leader);
        advance(5_000 * MS);
        assertThat(answersFor("m1")).hasSize(1);
    }

    @Test
    void aRepeatedMidIsAnsweredAtMostOnce() {
        String leader = awaitLeader();
        client(leader, "put", "m1", "k", "v");
        client(leader, "put", "m1", "k", "v");
        awaitAnswer("m1");
        advance(3_000 * MS);
        assertThat(answersFor("m1")).hasSize(1);
    }

    @Test
    void aPutLostWithItsLeadersTermIsRedirectedAndNeverOk() {
        String old = awaitLeader();
        isolated.add(old);
        client(old, "put", "lost", "k", "stale");
        String fresh = awaitLeader(n -> !n.equals(old));
        client(fresh, "put", "m2", "k", "fresh");
        assertThat(awaitAnswer("m2").get("type").asText()).isEqualTo("ok");
        assertThat(answersFor("lost")).as("the fate of the put is unknown while its leader is cut off").isEmpty();
        isolated.clear();
        JsonNode a = awaitAnswer("lost");
        assertThat(a.get("type").asText()).isEqualTo("redirect");
        client(fresh, "get", "m3", "k", null);
        assertThat(awaitAnswer("m3").get("value").asText()).isEqualTo("fresh");
        advance(3_000 * MS);
        assertThat(answersFor("lost")).hasSize(1);
    }

    @Test
    void aDeposedLeaderNeverServesAStaleRead() {
        String old = awaitLeader();
        client(old, "put", "m1", "k", "v1");
        awaitAnswer("m1");
        isolated.add(old);
        String fresh = awaitLeader(n -> !n.equals(old));
        client(fresh, "put", "m2", "k", "v2");
        awaitAnswer("m2");
        client(old, "get", "m3", "k", null);
        advance(10_000 * MS);
        for (JsonNode a : answersFor("m3")) {
            assertThat(a.get("type").asText()).as("a cut-off leader answers no read").isNotEqualTo("ok");
        }
        isolated.clear();
        advance(5_000 * MS);
        assertThat(answersFor("m3")).hasSize(1);
        JsonNode a = answersFor("m3").get(0);
        if (a.get("type").asText().equals("ok")) {
            assertThat(a.get("value").asText()).isEqualTo("v2");
        }
    }

    @Test
    void readsOnACutOffLeaderStopBeforeAnotherLeaderCanWrite() {
        String old = awaitLeader();
        client(old, "put", "m1", "k", "v1");
        awaitAnswer("m1");
        isolated.add(old);
        // Keep asking the cut-off leader while the others elect a successor and overwrite the key.
        String fresh = null;
        int asked = 0;
        while (fresh == null || answersFor("m2").isEmpty()) {
            client(old, "get", "g" + asked++, "k", null);
            advance(10 * MS);
            if (fresh == null) {
                fresh = engines.entrySet().stream().filter(e -> !e.getKey().equals(old)
                        && e.getValue().role() == Role.LEADER).map(Map.Entry::getKey).findFirst().orElse(null);
                if (fresh != null) {
                    client(fresh, "put", "m2", "k", "v2");
                }
            }
            assertThat(now).as("a successor wrote within a minute").isLessThan(60_000 * MS);
        }
        long okAfterWrite = answers.stream().filter(a -> a.path("MID").asText().startsWith("g")
                && a.get("type").asText().equals("ok") && !a.get("value").asText().equals("v1")).count();
        assertThat(okAfterWrite).as("the cut-off leader never saw v2, so it must never have read anything else").isZero();
        for (int i = 0; i < 50; i++) {
            client(old, "get", "late" + i, "k", null);
            advance(20 * MS);
        }
        assertThat(answers).filteredOn(a -> a.path("MID").asText().startsWith("late")
                && a.get("type").asText().equals("ok")).as("no stale read once v2 is acknowledged").isEmpty();
    }

    @Test
    void aPutTheStoreRefusesFailsAndAGetOfThatKeyReadsNothing() {
        String leader = awaitLeader();
        client(leader, "put", "empty", "", "v");
        assertThat(awaitAnswer("empty").get("type").asText()).as("the store has no empty key").isEqualTo("fail");
        client(leader, "get", "g", "", null);
        assertThat(awaitAnswer("g").get("value").asText()).isEmpty();
        client(leader, "put", "next", "k", "v");
        assertThat(awaitAnswer("next").get("type").asText()).as("the refusal cost no sequence number").isEqualTo("ok");
    }

    @Test
    void aPutTooLargeForOneMessageFails() {
        String leader = awaitLeader();
        client(leader, "put", "big", "k", "x".repeat(ReplicaSettings.defaults().maxMessageBytes()));
        assertThat(awaitAnswer("big").get("type").asText()).isEqualTo("fail");
    }

    @Test
    void everyMessageCarriesTheEnvelopeAndTheSendersLeaderAndFitsThePacketLimit() {
        String leader = awaitLeader();
        for (int i = 0; i < 50; i++) {
            client(leader, i % 3 == 0 ? "get" : "put", "m" + i, "k" + (i % 5), "v" + i);
            advance(20 * MS);
        }
        advance(2_000 * MS);
        List<JsonNode> all = new ArrayList<>(peerTraffic);
        all.addAll(answers);
        assertThat(all).isNotEmpty().allSatisfy(m -> {
            for (String f : List.of("src", "dst", "leader", "type")) {
                assertThat(m.get(f)).as(f + " in " + m).isNotNull();
                assertThat(m.get(f).isTextual()).isTrue();
            }
            assertThat(ReplicaIds.isValid(m.get("leader").asText())).isTrue();
        });
        assertThat(answers).allSatisfy(a -> assertThat(a.get("leader").asText()).isEqualTo(leader));
        for (ReplicaEngine e : engines.values()) {
            assertThat(e.counters().oversized()).isZero();
            assertThat(e.counters().malformed()).isZero();
        }
    }

    // ------------------------------------------------------------------------------------------ cluster

    private String awaitLeader() {
        return awaitLeader(n -> true);
    }

    private String awaitLeader(java.util.function.Predicate<String> among) {
        String[] found = new String[1];
        advanceUntil(() -> {
            for (Map.Entry<String, ReplicaEngine> e : engines.entrySet()) {
                if (!isolated.contains(e.getKey()) && among.test(e.getKey()) && e.getValue().role() == Role.LEADER) {
                    found[0] = e.getKey();
                    return true;
                }
            }
            return false;
        }, 20_000 * MS);
        assertThat(found[0]).as("a leader was elected").isNotNull();
        return found[0];
    }

    private JsonNode awaitAnswer(String mid) {
        advanceUntil(() -> !answersFor(mid).isEmpty(), 20_000 * MS);
        assertThat(answersFor(mid)).as("answer to " + mid).isNotEmpty();
        return answersFor(mid).get(0);
    }

    private List<JsonNode> answersFor(String mid) {
        return answers.stream().filter(a -> a.path("MID").asText().equals(mid)).toList();
    }

    private void client(String to, String type, String mid, String key, String value) {
        StringBuilder sb = new StringBuilder("{\"src\":\"" + CLIENT + "\",\"dst\":\"" + to
                + "\",\"leader\":\"FFFF\",\"type\":\"" + type + "\",\"MID\":\"" + mid + "\",\"key\":\"" + key + "\"");
        if (value != null) {
            sb.append(",\"value\":\"").append(value).append('"');
        }
        sb.append('}');
        queue(to, engines.get(to).receive(sb.toString().getBytes(StandardCharsets.UTF_8), now));
        deliverAll();
    }

    private void advance(long nanos) {
        advanceUntil(() -> false, nanos);
    }

    /** Moves the clock a millisecond at a time, delivering everything at once, until the condition holds. */
    private void advanceUntil(BooleanSupplier done, long maxNanos) {
        long end = now + maxNanos;
        while (now < end && !done.getAsBoolean()) {
            now += MS;
            for (Map.Entry<String, ReplicaEngine> e : engines.entrySet()) {
                queue(e.getKey(), e.getValue().tick(now));
            }
            deliverAll();
        }
    }

    private void queue(String from, List<Outbound> out) {
        for (Outbound o : out) {
            senders.put(o, from);
            wire.add(o);
        }
    }

    private void deliverAll() {
        while (!wire.isEmpty()) {
            Outbound o = wire.poll();
            String from = senders.remove(o);
            JsonNode msg = parse(o.packet());
            assertThat(msg.get("src").asText()).isEqualTo(from);
            if (!o.toPeer()) {
                answers.add(msg);
                continue;
            }
            peerTraffic.add(msg);
            if (isolated.contains(from) || isolated.contains(o.dst())) {
                continue;
            }
            queue(o.dst(), engines.get(o.dst()).receive(o.packet(), now));
        }
    }

    private static JsonNode parse(byte[] packet) {
        try {
            return JSON.readTree(packet);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
