package io.raftkv.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;

import java.util.Map;

/**
 * HELP text for the RaftKV meters that are registered without a description (in the gRPC service, the peer
 * transport and the runtime's generic gauges), so that every {@code raftkv_*} family on /metrics says what it
 * measures. A meter that has its own description keeps it. Install before any meter is registered.
 */
public final class MetricHelp implements MeterFilter {

    private static final Map<String, String> HELP = Map.of(
            "raftkv_request_seconds", "duration of KV requests served by this node, by operation and outcome",
            "raftkv_pending_requests", "proposals accepted by this node and not yet answered (applied or failed)",
            "raftkv_peer_messages_sent", "Raft messages handed to the peer transport for sending",
            "raftkv_peer_messages_dropped", "Raft messages dropped because a peer's send queue was full or it was "
                    + "unreachable (Raft retransmits them)");

    @Override
    public Meter.Id map(Meter.Id id) {
        String help = id.getDescription() == null || id.getDescription().isBlank() ? HELP.get(id.getName()) : null;
        if (help == null) {
            return id;
        }
        return new Meter.Id(id.getName(), Tags.of(id.getTagsAsIterable()), id.getBaseUnit(), help, id.getType());
    }
}
