package io.raftkv.replica.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * The course simulator's referee, written from {@code PROTOCOL.md}: it routes the replicas' messages (counting,
 * dropping and partitioning those between replicas), plays eight clients (requests at even intervals after the
 * start-up wait, a retry under a new MID after each redirect or fail, to the named leader if alive), fires the
 * scenario's kill and partition events, and counts what the grades are computed from. It knows nothing of
 * sockets or clocks: the virtual-time runner and the real-process harness both drive it, with time in
 * nanoseconds since the replicas were launched.
 */
public final class CourseSimulator {
    /** What the transport must do. */
    public sealed interface Action permits Deliver, Kill {
    }

    /** Hand {@code packet} to replica {@code replica}. */
    public record Deliver(String replica, byte[] packet) implements Action {
    }

    /** Kill the replica's process (an event, or a replica the simulator could not deliver to). */
    public record Kill(String replica) implements Action {
    }

    public static final int NUM_CLIENTS = 8;
    public static final String BROADCAST = "FFFF";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    private final ScenarioSpec spec;
    private final Random random;
    private final RunStats stats = new RunStats();
    private final List<String> rids = new ArrayList<>();
    private final Set<String> living = new TreeSet<>();
    private final Set<String> connected = new HashSet<>();
    private final Map<String, Client> clients = new LinkedHashMap<>();
    private final PriorityQueue<Scheduled> schedule = new PriorityQueue<>();
    private String leader = BROADCAST;
    private Set<String> partition;
    private long seq;

    private record Scheduled(long at, long seq, String what) implements Comparable<Scheduled> {
        @Override
        public int compareTo(Scheduled o) {
            return at != o.at ? Long.compare(at, o.at) : Long.compare(seq, o.seq);
        }
    }

    public CourseSimulator(ScenarioSpec spec, Random random) {
        this.spec = spec;
        this.random = random;
        for (int i = 0; i < spec.replicas(); i++) {
            String rid = String.format(Locale.ROOT, "%04X", i);
            rids.add(rid);
            living.add(rid);
        }
        for (int i = spec.replicas() + 16; i < spec.replicas() + 16 + NUM_CLIENTS; i++) {
            String cid = String.format(Locale.ROOT, "%04X", i);
            clients.put(cid, new Client(cid));
        }
        long start = seconds(spec.startWait());
        double delta = spec.requestInterval();
        for (int i = 0; i < spec.requests(); i++) {
            schedule.add(new Scheduled(start + seconds(i * delta), seq++, random.nextDouble() < spec.mix() ? "get" : "put"));
        }
        for (ScenarioSpec.Event e : spec.events()) {
            schedule.add(new Scheduled(start + seconds(e.time()), seq++, e.type()));
        }
    }

    public List<String> replicaIds() {
        return List.copyOf(rids);
    }

    /** The other replicas, in the shuffled order the simulator passes them on the command line. */
    public List<String> othersOf(String rid) {
        List<String> others = new ArrayList<>(rids);
        others.remove(rid);
        java.util.Collections.shuffle(others, random);
        return others;
    }

    public ScenarioSpec spec() {
        return spec;
    }

    public boolean isLiving(String rid) {
        return living.contains(rid);
    }

    /** The replica connected to its socket; from now on messages to it are delivered. */
    public void connected(String rid) {
        connected.add(rid);
    }

    /** True while the run goes on: before its lifetime and under the packet cap (a packet storm ends it). */
    public boolean running(long now) {
        return now < seconds(spec.lifetime()) && stats.totalMsgs < spec.maxPackets();
    }

    public long endNanos() {
        return seconds(spec.lifetime());
    }

    /** When the next request or event is due, or {@link Long#MAX_VALUE}. */
    public long nextDueNanos() {
        return schedule.isEmpty() ? Long.MAX_VALUE : schedule.peek().at();
    }

    /** Fires every request and event due by {@code now}. */
    public List<Action> advanceTo(long now) {
        List<Action> actions = new ArrayList<>();
        while (!schedule.isEmpty() && schedule.peek().at() <= now) {
            Scheduled s = schedule.poll();
            switch (s.what()) {
                case "get", "put" -> {
                    if (living.isEmpty()) {
                        break;
                    }
                    Client c = randomClient();
                    ObjectNode req = c.createRequest(s.what().equals("get"), now);
                    deliver(req.get("dst").asText(), bytes(req), actions);
                }
                case "kill_leader" -> {
                    if (!leader.equals(BROADCAST)) {
                        kill(leader, actions);
                        leader = BROADCAST;
                        clients.values().forEach(Client::forget);
                    }
                }
                case "kill_non_leader" -> {
                    List<String> candidates = new ArrayList<>(living);
                    candidates.remove(leader);
                    if (living.size() > 1 && !candidates.isEmpty()) {
                        kill(candidates.get(random.nextInt(candidates.size())), actions);
                    } else {
                        stats.error("too few living replicas to kill another");
                    }
                }
                case "part_easy" -> partition(true);
                case "part_hard" -> partition(false);
                case "part_end" -> partition = null;
                default -> throw new IllegalStateException(s.what());
            }
        }
        return actions;
    }

    /** A packet a replica sent to the simulator. */
    public List<Action> onPacket(byte[] raw, long now) {
        List<Action> actions = new ArrayList<>();
        String text = new String(raw, StandardCharsets.UTF_8);
        JsonNode msg;
        try {
            msg = JSON.readTree(raw);
        } catch (IOException e) {
            incorrect("unable to decode JSON message: " + abbreviate(text));
            return actions;
        }
        if (msg == null || !msg.isObject()) {
            incorrect("message is not a dictionary: " + abbreviate(text));
            return actions;
        }
        if (!msg.has("src") || !msg.has("dst") || !msg.has("leader") || !msg.has("type")) {
            incorrect("message is missing a required field: " + abbreviate(text));
            return actions;
        }
        for (String field : List.of("leader", "dst", "src")) {
            if (!validAddress(msg.get(field))) {
                incorrect("incorrect " + field + " format: " + abbreviate(text));
                return actions;
            }
        }
        if (raw.length > 16384) {
            incorrect("message of " + raw.length + " bytes is truncated at 16384: " + abbreviate(text));
            return actions;
        }
        String src = msg.get("src").asText();
        String dst = msg.get("dst").asText();
        if (partition == null || partition.contains(src)) {
            if (Boolean.getBoolean("cs3700.trace") && !leader.equals(msg.get("leader").asText())) {
                System.out.printf("%9.4f leader %s -> %s by %s%n", now / 1e9, leader, msg.get("leader").asText(),
                        abbreviate(text));
            }
            leader = msg.get("leader").asText();
            stats.addLeader(leader);
        }
        if (rids.contains(dst)) {
            stats.totalMsgs++;
            stats.messagesByType.merge(msg.get("type").asText(), 1L, Long::sum);
            if (sameSide(src, dst) && random.nextDouble() >= spec.drops()) {
                deliver(dst, raw, actions);
            } else {
                stats.totalDrops++;
            }
        } else if (dst.equals(BROADCAST)) {
            stats.totalMsgs += rids.size() - 1;
            for (String rid : rids) {
                if (!rid.equals(src)) {
                    if (sameSide(src, rid) && random.nextDouble() >= spec.drops()) {
                        deliver(rid, raw, actions);
                    } else {
                        stats.totalDrops++;
                    }
                }
            }
        } else if (clients.containsKey(dst)) {
            stats.clientAnswers++;
            ObjectNode retry = clients.get(dst).deliver(text, msg, now);
            if (retry != null) {
                deliver(retry.get("dst").asText(), bytes(retry), actions);
            }
        } else {
            incorrect("unknown destination: " + abbreviate(text));
        }
        return actions;
    }

    /** Ends the run: unanswered requests are counted, and replicas gone without being killed have died. */
    public RunStats finish() {
        stats.died = rids.size() - living.size() - stats.killed;
        for (Client c : clients.values()) {
            c.finish();
        }
        return stats;
    }

    /** The replica's process exited or closed its socket on its own. */
    public void replicaQuit(String rid) {
        if (living.remove(rid)) {
            stats.error("replica " + rid + " quit unexpectedly");
        }
    }

    // ------------------------------------------------------------------------------------------------

    private void deliver(String rid, byte[] packet, List<Action> actions) {
        if (!living.contains(rid)) {
            return;
        }
        if (!connected.contains(rid)) {
            // The real simulator's send on a socket nobody connected to fails, and it shuts the replica down.
            stats.error("unable to send to replica " + rid + ": it has not connected yet");
            living.remove(rid);
            actions.add(new Kill(rid));
            return;
        }
        actions.add(new Deliver(rid, packet));
    }

    private void kill(String rid, List<Action> actions) {
        if (living.remove(rid)) {
            stats.killed++;
            actions.add(new Kill(rid));
        }
    }

    private void partition(boolean keepLeader) {
        int qsize = rids.size() / 2 + 1;
        Set<String> side = new LinkedHashSet<>();
        List<String> pool = new ArrayList<>(rids);
        if (keepLeader && !leader.equals(BROADCAST)) {
            side.add(leader);
            pool.remove(leader);
            qsize--;
        } else {
            leader = BROADCAST;
            clients.values().forEach(Client::forget);
        }
        for (int i = 0; i < qsize; i++) {
            side.add(pool.remove(random.nextInt(pool.size())));
        }
        partition = side;
    }

    private boolean sameSide(String a, String b) {
        if (partition == null) {
            return true;
        }
        int in = (partition.contains(a) ? 1 : 0) + (partition.contains(b) ? 1 : 0);
        return in == 0 || in == 2;
    }

    private Client randomClient() {
        List<Client> all = new ArrayList<>(clients.values());
        return all.get(random.nextInt(all.size()));
    }

    private void incorrect(String why) {
        stats.incorrect++;
        stats.error(why);
    }

    private static boolean validAddress(JsonNode v) {
        if (v == null || !v.isTextual() || v.asText().length() != 4) {
            return false;
        }
        for (char c : v.asText().toCharArray()) {
            if (Character.digit(c, 16) < 0) {
                return false;
            }
        }
        return true;
    }

    private static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }

    static long seconds(double s) {
        return Math.round(s * 1e9);
    }

    private static byte[] bytes(ObjectNode o) {
        try {
            return JSON.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private String randomString(int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(ALNUM.charAt(random.nextInt(ALNUM.length())));
        }
        return sb.toString();
    }

    private static String md5(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One simulated client: its own keys, its view of their values, and its requests in flight. */
    private final class Client {
        private record Request(boolean get, String key, String value, long sentAt) {
        }

        private final String cid;
        private final Map<String, Request> inFlight = new HashMap<>();
        private final Map<String, String> items = new LinkedHashMap<>();
        private final Set<String> completed = new HashSet<>();
        private String clientLeader = BROADCAST;

        Client(String cid) {
            this.cid = cid;
        }

        void forget() {
            clientLeader = BROADCAST;
        }

        private String destination() {
            if (clientLeader.equals(BROADCAST) || !living.contains(clientLeader)) {
                clientLeader = BROADCAST;
                List<String> alive = new ArrayList<>(living);
                return alive.get(random.nextInt(alive.size()));
            }
            return clientLeader;
        }

        /** A get of one of its keys, or a put (a new key, or a new value for an old one) when it has none. */
        ObjectNode createRequest(boolean get, long now) {
            if (get && !items.isEmpty()) {
                return request(true, randomKey(), null, now);
            }
            if (get) {
                // The grader counts these: too many mean too few puts were acknowledged early in the run.
                stats.getsNotGenerated++;
            }
            String key;
            String value;
            if (items.isEmpty() || random.nextDouble() > 0.5) {
                key = randomString(32);
                value = md5(key);
            } else {
                key = randomKey();
                value = md5(items.get(key));
            }
            return request(false, key, value, now);
        }

        private String randomKey() {
            List<String> keys = new ArrayList<>(items.keySet());
            return keys.get(random.nextInt(keys.size()));
        }

        private ObjectNode request(boolean get, String key, String value, long now) {
            if (get) {
                stats.totalGet++;
            } else {
                stats.totalPut++;
            }
            String mid = randomString(16);
            inFlight.put(mid, new Request(get, key, value, now));
            ObjectNode m = JSON.createObjectNode();
            String dst = destination();
            m.put("src", cid).put("dst", dst).put("leader", clientLeader).put("type", get ? "get" : "put")
                    .put("MID", mid).put("key", key);
            if (!get) {
                m.put("value", value);
            }
            return m;
        }

        /** An answer from a replica; returns the retry to send, if any. */
        ObjectNode deliver(String raw, JsonNode msg, long now) {
            if (!msg.has("MID")) {
                incorrect("message missing MID field: " + abbreviate(raw));
                return null;
            }
            String type = msg.get("type").asText();
            if (!type.equals("ok") && !type.equals("fail") && !type.equals("redirect")) {
                incorrect("unknown message type sent to client: " + abbreviate(raw));
                return null;
            }
            String mid = msg.get("MID").asText();
            if (completed.contains(mid)) {
                stats.duplicates++;
                stats.error("duplicate answer: " + abbreviate(raw));
                return null;
            }
            Request req = inFlight.remove(mid);
            if (req == null) {
                incorrect("client received an unexpected MID: " + abbreviate(raw));
                return null;
            }
            clientLeader = msg.get("leader").asText();
            stats.latencies.add((now - req.sentAt()) / 1e9);
            double latency = (now - req.sentAt()) / 1e9;
            if (type.equals("redirect")) {
                stats.redirectLatencies.add(latency);
            } else if (type.equals("ok")) {
                (req.get() ? stats.getLatencies : stats.putLatencies).add(latency);
            }
            if (type.equals("redirect") || type.equals("fail")) {
                if (type.equals("fail")) {
                    if (req.get()) {
                        stats.failedGet++;
                    } else {
                        stats.failedPut++;
                    }
                }
                stats.redirects++;
                return request(req.get(), req.key(), req.value(), now);
            }
            completed.add(mid);
            if (req.get()) {
                if (!msg.has("value")) {
                    incorrect("get() answer without a value: " + abbreviate(raw));
                } else if (!msg.get("value").asText().equals(items.get(req.key()))) {
                    String got = msg.get("value").asText();
                    boolean fromUnansweredPut = inFlight.values().stream()
                            .anyMatch(p -> !p.get() && p.key().equals(req.key()) && p.value().equals(got));
                    if (fromUnansweredPut) {
                        // Linearizable (the put may have taken effect; its answer never came), but the course
                        // grader knows only acknowledged puts, so it is incorrect all the same. Counted apart to
                        // tell this case from a stale read.
                        stats.incorrectFromUnansweredPut++;
                    }
                    incorrect("client received an incorrect value for a key: " + abbreviate(raw)
                            + " (expected " + items.get(req.key()) + (fromUnansweredPut
                            ? "; the value is that of a put by this client still unanswered)" : ")"));
                }
            } else {
                items.put(req.key(), req.value());
            }
            return null;
        }

        void finish() {
            for (Request r : inFlight.values()) {
                if (r.get()) {
                    stats.unansweredGet++;
                } else {
                    stats.unansweredPut++;
                }
            }
        }
    }
}
