package io.raftkv.replica.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One course-simulator scenario file (see {@code shared/scenarios/cs3700/PROTOCOL.md}): the run's shape, its
 * fault events, and per metric the thresholds {@code [bonus, pass, partial]}.
 */
public record ScenarioSpec(String name, double lifetime, int replicas, int requests, double mix, double startWait,
                           double endWait, double drops, Long seed, int maxPackets, List<Event> events,
                           Map<String, double[]> benchmarks) {

    public static final Set<String> EVENT_TYPES = Set.of("kill_leader", "kill_non_leader", "part_easy", "part_hard",
            "part_end");
    public static final List<String> METRICS = List.of("total_msgs", "failures", "duplicates", "median_latency");

    /** An event at {@code time} seconds after the first request. */
    public record Event(String type, double time) {
    }

    public static ScenarioSpec load(Path file) throws IOException {
        String name = file.getFileName().toString().replaceFirst("\\.json$", "");
        return parse(name, new ObjectMapper().readTree(file.toFile()));
    }

    public static ScenarioSpec parse(String name, JsonNode conf) {
        for (String required : List.of("lifetime", "replicas", "requests")) {
            if (!conf.hasNonNull(required)) {
                throw new IllegalArgumentException(name + ": required field '" + required + "' is missing");
            }
        }
        double lifetime = conf.get("lifetime").asDouble();
        int replicas = conf.get("replicas").asInt();
        int requests = conf.get("requests").asInt();
        if (lifetime < 5 || replicas < 3 || replicas > 21 || requests < 0) {
            throw new IllegalArgumentException(name + ": need lifetime >= 5, 3..21 replicas, requests >= 0");
        }
        double mix = bounded(conf, "mix", 0, 1, 0.8, name);
        double startWait = conf.has("start_wait") ? bounded(conf, "start_wait", 0, lifetime, 2.0, name)
                : bounded(conf, "wait", 0, lifetime, 2.0, name);
        double endWait = bounded(conf, "end_wait", 0, lifetime, 2.0, name);
        double drops = bounded(conf, "drops", 0, 1, 0.0, name);
        int maxPackets = (int) bounded(conf, "max_packets", requests, 900000, 20000, name);
        Long seed = conf.hasNonNull("seed") ? conf.get("seed").asLong() : null;
        List<Event> events = new ArrayList<>();
        if (conf.has("events")) {
            for (JsonNode e : conf.get("events")) {
                String type = e.path("type").asText();
                double time = e.path("time").asDouble(-1);
                if (!EVENT_TYPES.contains(type)) {
                    throw new IllegalArgumentException(name + ": unknown event type '" + type + "'");
                }
                if (time < 0 || time > lifetime) {
                    throw new IllegalArgumentException(name + ": event time " + time + " outside 0.." + lifetime);
                }
                events.add(new Event(type, time));
            }
        }
        Map<String, double[]> benchmarks = new LinkedHashMap<>();
        JsonNode b = conf.path("tests").path("benchmarks");
        for (String metric : METRICS) {
            JsonNode t = b.get(metric);
            if (t == null) {
                continue;
            }
            if (!t.isArray() || t.size() != 3) {
                throw new IllegalArgumentException(name + ": benchmark " + metric + " needs [bonus, pass, partial]");
            }
            benchmarks.put(metric, new double[]{t.get(0).asDouble(), t.get(1).asDouble(), t.get(2).asDouble()});
        }
        return new ScenarioSpec(name, lifetime, replicas, requests, mix, startWait, endWait, drops, seed, maxPackets,
                List.copyOf(events), benchmarks);
    }

    private static double bounded(JsonNode conf, String field, double low, double high, double dflt, String name) {
        if (!conf.hasNonNull(field)) {
            return dflt;
        }
        double v = conf.get(field).asDouble();
        if (v < low || v > high) {
            throw new IllegalArgumentException(name + ": " + field + " must be between " + low + " and " + high);
        }
        return v;
    }

    /** Seconds between two client requests. */
    public double requestInterval() {
        return (lifetime - startWait - endWait) / requests;
    }
}
