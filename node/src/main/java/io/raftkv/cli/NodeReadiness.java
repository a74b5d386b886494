package io.raftkv.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a node's {@code /readyz} says about who answers: node ID, PID and cluster name (see
 * {@code RaftKvNode#describe}), whether it is ready, and whom it follows. {@code raftkv local} compares these with
 * the process it started, so that a node of another cluster, a leftover of an earlier run or anything else that
 * holds the port is never taken for its own node.
 *
 * @param leader the leader's node ID, 0 if none is known
 */
record NodeReadiness(boolean ready, long nodeId, long pid, String cluster, String role, long leader) {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    private static final Pattern DETAIL = Pattern.compile(
            "node (\\d+) pid (\\d+) cluster (\\S+) role (\\S+) term \\d+ leader (\\d+)");

    /** What answers on {@code httpAddress}: empty if nothing answers, or nothing that reads as a RaftKV node. */
    static Optional<Answer> ask(String httpAddress) {
        HttpResponse<String> response;
        try {
            response = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + httpAddress + "/readyz"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        return Optional.of(parse(response.statusCode(), response.body()));
    }

    static Answer parse(int status, String body) {
        Matcher m = DETAIL.matcher(body == null ? "" : body);
        if (!m.find()) {
            return new Answer(null, status, body == null ? "" : body.strip());
        }
        return new Answer(new NodeReadiness(status == 200, Long.parseLong(m.group(1)), Long.parseLong(m.group(2)),
                m.group(3), m.group(4), Long.parseLong(m.group(5))), status, body.strip());
    }

    /** An HTTP answer on a node's port; {@code node} is null if it did not read as a RaftKV node's. */
    record Answer(NodeReadiness node, int status, String body) {
        /** One line saying who answered, for errors. */
        String who() {
            if (node == null) {
                String first = body.lines().findFirst().orElse("");
                return "something that is not a RaftKV node (HTTP " + status + (first.isEmpty() ? "" : ": "
                        + (first.length() > 80 ? first.substring(0, 80) + "..." : first)) + ")";
            }
            return "node " + node.nodeId() + " of cluster " + node.cluster() + " (pid " + node.pid() + ")";
        }
    }
}
