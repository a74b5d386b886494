package io.raftkv.replica.harness;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What one scenario run counted, and its grades, printed the way the course simulator prints them. */
public final class RunStats {
    public enum Grade { BONUS, PASS, PARTIAL, FAIL }

    /** Messages to replicas (one per copy of a broadcast), as PROTOCOL.md describes the count. */
    long totalMsgs;
    /** Messages from replicas to clients (answers, redirects included), which the simulator routes too. */
    long clientAnswers;
    /**
     * Scheduled gets that were sent as puts because the chosen client had no acknowledged key yet; the grader
     * fails a run where these exceed a tenth of the gets ("insufficient get() requests were generated because
     * insufficient put()s were accepted").
     */
    long getsNotGenerated;
    long totalDrops;
    long totalGet;
    long totalPut;
    long failedGet;
    long failedPut;
    long incorrect;
    /** Of {@link #incorrect}: gets that returned the value of a put whose answer never came. */
    long incorrectFromUnansweredPut;
    long duplicates;
    long unansweredGet;
    long unansweredPut;
    long redirects;
    long died;
    long killed;
    final List<Double> latencies = new ArrayList<>();
    /** Of {@link #latencies}: those of redirect answers (the rest are ok and fail answers). */
    final List<Double> redirectLatencies = new ArrayList<>();
    /** Of {@link #latencies}: those of ok answers to gets, and to puts. */
    final List<Double> getLatencies = new ArrayList<>();
    final List<Double> putLatencies = new ArrayList<>();
    final List<String> leaders = new ArrayList<>();
    final List<String> errors = new ArrayList<>();
    final java.util.TreeMap<String, Long> messagesByType = new java.util.TreeMap<>();

    void addLeader(String leader) {
        if (leaders.isEmpty() || !leaders.get(leaders.size() - 1).equals(leader)) {
            leaders.add(leader);
        }
    }

    void error(String message) {
        if (errors.size() < 50) {
            errors.add(message);
        }
    }

    public long totalMsgs() {
        return totalMsgs;
    }

    /**
     * The message count the grade is computed from: every message the replicas sent through the simulator, to
     * replicas and to clients. PROTOCOL.md counts only the first kind, but the real simulator graded "pass" in all
     * nine scenarios where this harness, counting that way, had claimed "bonus" (its graded version's source is not
     * at hand); the answers to clients (as many as requests plus redirects, 300-600 a run) are the one part of the
     * traffic that closes every one of those gaps, so the harness grades with them, which can only under-claim.
     */
    public long gradedMsgs() {
        return totalMsgs + clientAnswers;
    }

    public long incorrect() {
        return incorrect;
    }

    public long duplicates() {
        return duplicates;
    }

    public long died() {
        return died;
    }

    public long failures() {
        return failedGet + failedPut + unansweredGet + unansweredPut;
    }

    public List<String> errors() {
        return List.copyOf(errors);
    }

    /** The median answer latency in seconds, as the simulator takes it: sorted, element {@code n/2}. */
    public double medianLatency() {
        if (latencies.isEmpty()) {
            return 0;
        }
        List<Double> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    public double percentile(double q) {
        return percentile(latencies, q);
    }

    private static double percentile(List<Double> latencies, double q) {
        if (latencies.isEmpty()) {
            return 0;
        }
        List<Double> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(q * sorted.size())));
    }

    public double metric(String name) {
        return switch (name) {
            case "total_msgs" -> gradedMsgs();
            case "failures" -> failures();
            case "duplicates" -> duplicates;
            case "median_latency" -> medianLatency();
            default -> throw new IllegalArgumentException("unknown metric " + name);
        };
    }

    /** {@code [bonus, pass, partial]}, each compared with {@code <}. */
    public static Grade grade(double value, double[] thresholds) {
        if (value < thresholds[0]) {
            return Grade.BONUS;
        }
        if (value < thresholds[1]) {
            return Grade.PASS;
        }
        return value < thresholds[2] ? Grade.PARTIAL : Grade.FAIL;
    }

    /** The correctness checks that gate the metrics; empty when all pass. */
    public List<String> correctnessFailures(ScenarioSpec spec) {
        List<String> failures = new ArrayList<>();
        if (incorrect > 0) {
            failures.add(incorrect + " incorrect answers or malformed messages");
        }
        if (died > 0) {
            failures.add(died + " replicas died");
        }
        if (unansweredGet > totalGet / 2.0) {
            failures.add("more than half of the gets unanswered (" + unansweredGet + "/" + totalGet + ")");
        }
        if (unansweredPut > totalPut / 2.0) {
            failures.add("more than half of the puts unanswered (" + unansweredPut + "/" + totalPut + ")");
        }
        if (getsNotGenerated > totalGet * 0.1) {
            failures.add("insufficient get() requests were generated because insufficient put()s were accepted ("
                    + getsNotGenerated + " > " + totalGet + " * 0.10)");
        }
        double minMsgs = spec.requests() * spec.replicas() * (1 - spec.mix()) * 0.5;
        if (totalMsgs < minMsgs) {
            failures.add("too few messages between replicas to have replicated the writes (" + totalMsgs + " < "
                    + minMsgs + ")");
        }
        return failures;
    }

    public Grade grade(ScenarioSpec spec, String metric) {
        return grade(metric(metric), spec.benchmarks().get(metric));
    }

    /** True if the correctness checks pass and every metric is at least "pass". */
    public boolean passes(ScenarioSpec spec) {
        if (!correctnessFailures(spec).isEmpty()) {
            return false;
        }
        for (Map.Entry<String, double[]> b : spec.benchmarks().entrySet()) {
            Grade g = grade(metric(b.getKey()), b.getValue());
            if (g != Grade.BONUS && g != Grade.PASS) {
                return false;
            }
        }
        return duplicates == 0 && incorrect == 0;
    }

    public String report(ScenarioSpec spec) {
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(spec.name()).append('\n');
        sb.append("Leaders: ").append(String.join(" ", leaders)).append('\n');
        sb.append(String.format(Locale.ROOT, "Replicas that died/were killed: %d/%d%n", died, killed));
        sb.append("Total messages sent: ").append(totalMsgs).append(" to replicas, ").append(clientAnswers)
                .append(" to clients (graded: ").append(gradedMsgs()).append(")\n");
        sb.append("Total messages dropped: ").append(totalDrops).append('\n');
        sb.append("Messages between replicas by type: ").append(messagesByType).append('\n');
        sb.append(String.format(Locale.ROOT, "Total client get()/put() requests: %d/%d (gets sent as puts: %d)%n",
                totalGet, totalPut, getsNotGenerated));
        sb.append("Total duplicate responses: ").append(duplicates).append('\n');
        sb.append(String.format(Locale.ROOT, "Total unanswered get()/put() requests: %d/%d%n", unansweredGet, unansweredPut));
        sb.append("Total redirects: ").append(redirects).append('\n');
        sb.append(String.format(Locale.ROOT, "Total get()/put() failures: %d/%d%n", failedGet, failedPut));
        sb.append("Total get() with incorrect response: ").append(incorrect);
        if (incorrectFromUnansweredPut > 0) {
            sb.append(" (").append(incorrectFromUnansweredPut).append(" returned the value of an unanswered put)");
        }
        sb.append('\n');
        sb.append(String.format(Locale.ROOT, "Median query latency: %.6fsec (p25 %.6f, p75 %.6f, p90 %.6f)%n",
                medianLatency(), percentile(0.25), percentile(0.75), percentile(0.90)));
        long slow = latencies.stream().filter(l -> l > 0.05).count();
        sb.append(String.format(Locale.ROOT, "  of which %d ok gets (median %.6f), %d ok puts (median %.6f), %d "
                        + "redirects (median %.6f); %d over 50 ms%n", getLatencies.size(), percentile(getLatencies, 0.5),
                putLatencies.size(), percentile(putLatencies, 0.5), redirectLatencies.size(),
                percentile(redirectLatencies, 0.5), slow));
        List<String> failures = correctnessFailures(spec);
        sb.append(failures.isEmpty() ? "Correctness checks: all passed\n" : "Correctness checks FAILED: " + failures + "\n");
        for (Map.Entry<String, double[]> b : spec.benchmarks().entrySet()) {
            double v = metric(b.getKey());
            double[] t = b.getValue();
            sb.append(String.format(Locale.ROOT, "  %-15s %-10s [%s, %s, %s] %s%n", b.getKey(), fmt(v), fmt(t[0]),
                    fmt(t[1]), fmt(t[2]), grade(v, t)));
        }
        for (String e : errors) {
            sb.append("  error: ").append(e).append('\n');
        }
        return sb.toString();
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.5f", v);
    }
}
