package io.raftkv.replica;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftkv.raft.Entry;
import io.raftkv.raft.EntryType;
import io.raftkv.raft.Membership;
import io.raftkv.raft.SnapshotMeta;
import io.raftkv.raft.message.AppendEntries;
import io.raftkv.raft.message.AppendResponse;
import io.raftkv.raft.message.Heartbeat;
import io.raftkv.raft.message.HeartbeatResponse;
import io.raftkv.raft.message.InstallSnapshot;
import io.raftkv.raft.message.Message;
import io.raftkv.raft.message.ReadIndexRequest;
import io.raftkv.raft.message.ReadIndexResponse;
import io.raftkv.raft.message.SnapshotResponse;
import io.raftkv.raft.message.TimeoutNow;
import io.raftkv.raft.message.VoteRequest;
import io.raftkv.raft.message.VoteResponse;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Encodes Raft messages as the JSON objects replicas exchange through the simulator, and back. Field names are
 * one or two letters because every byte crosses the simulator twice and a message must stay under 16 KiB.
 * Entries travel as {@code [term, kind, "base64 data"]}; their indexes follow from {@code prevIndex}.
 * The envelope fields ({@code src}, {@code dst}, {@code leader}) are the caller's business.
 */
public final class PeerCodec {
    /** {@code type} values of peer messages; none collides with the client types get/put/ok/fail/redirect. */
    static final String VOTE = "V";
    static final String VOTE_RESP = "VR";
    static final String APPEND = "A";
    static final String APPEND_RESP = "AR";
    static final String HEARTBEAT = "H";
    static final String HEARTBEAT_RESP = "HR";
    static final String SNAPSHOT = "S";
    static final String SNAPSHOT_RESP = "SR";
    static final String TIMEOUT_NOW = "TN";
    static final String READ_INDEX = "RI";
    static final String READ_INDEX_RESP = "RIR";

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final Base64.Encoder B64 = Base64.getEncoder();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private PeerCodec() {
    }

    /** True if {@code type} names a peer (Raft) message. */
    public static boolean isPeerType(String type) {
        return switch (type) {
            case VOTE, VOTE_RESP, APPEND, APPEND_RESP, HEARTBEAT, HEARTBEAT_RESP, SNAPSHOT, SNAPSHOT_RESP,
                 TIMEOUT_NOW, READ_INDEX, READ_INDEX_RESP -> true;
            default -> false;
        };
    }

    /** Writes {@code type}, {@code t} (term) and the message's own fields into {@code out}. */
    public static void encode(Message m, ObjectNode out) {
        if (m instanceof VoteRequest v) {
            out.put("type", VOTE).put("t", v.term()).put("li", v.lastLogIndex()).put("lt", v.lastLogTerm());
            flag(out, "pv", v.preVote());
            flag(out, "tr", v.transfer());
        } else if (m instanceof VoteResponse v) {
            out.put("type", VOTE_RESP).put("t", v.term());
            flag(out, "pv", v.preVote());
            flag(out, "g", v.granted());
        } else if (m instanceof AppendEntries a) {
            out.put("type", APPEND).put("t", a.term()).put("pi", a.prevIndex()).put("pt", a.prevTerm())
                    .put("c", a.commit());
            nonZero(out, "rr", a.readRound());
            if (!a.entries().isEmpty()) {
                ArrayNode entries = out.putArray("e");
                long expected = a.prevIndex() + 1;
                for (Entry e : a.entries()) {
                    if (e.index() != expected) {
                        throw new IllegalArgumentException("AppendEntries entries not contiguous after "
                                + a.prevIndex() + ": " + e);
                    }
                    expected++;
                    ArrayNode row = entries.addArray().add(e.term()).add(e.type().ordinal());
                    if (e.data().length > 0) {
                        row.add(B64.encodeToString(e.data()));
                    }
                }
            }
        } else if (m instanceof AppendResponse r) {
            out.put("type", APPEND_RESP).put("t", r.term()).put("i", r.index());
            flag(out, "ok", r.success());
            nonZero(out, "hi", r.hintIndex());
            nonZero(out, "ht", r.hintTerm());
            nonZero(out, "rr", r.readRound());
        } else if (m instanceof Heartbeat h) {
            out.put("type", HEARTBEAT).put("t", h.term()).put("c", h.commit());
            nonZero(out, "rr", h.readRound());
        } else if (m instanceof HeartbeatResponse h) {
            out.put("type", HEARTBEAT_RESP).put("t", h.term()).put("li", h.lastIndex());
            nonZero(out, "rr", h.readRound());
        } else if (m instanceof InstallSnapshot s) {
            out.put("type", SNAPSHOT).put("t", s.term()).put("o", s.offset()).put("d", B64.encodeToString(s.data()));
            flag(out, "dn", s.done());
            ObjectNode meta = out.putObject("m");
            meta.put("i", s.meta().index()).put("t", s.meta().term()).put("sz", s.meta().sizeBytes())
                    .put("mb", B64.encodeToString(s.meta().membership().encode()));
        } else if (m instanceof SnapshotResponse s) {
            out.put("type", SNAPSHOT_RESP).put("t", s.term()).put("si", s.snapshotIndex()).put("no", s.nextOffset());
            flag(out, "dn", s.done());
        } else if (m instanceof TimeoutNow t) {
            out.put("type", TIMEOUT_NOW).put("t", t.term());
        } else if (m instanceof ReadIndexRequest r) {
            out.put("type", READ_INDEX).put("t", r.term()).put("id", r.requestId());
        } else if (m instanceof ReadIndexResponse r) {
            out.put("type", READ_INDEX_RESP).put("t", r.term()).put("id", r.requestId()).put("i", r.index());
            flag(out, "ok", r.ok());
        } else {
            throw new IllegalArgumentException("no JSON encoding for " + m.getClass().getSimpleName());
        }
    }

    /** A fresh object holding just the encoded message (no envelope); for tests and sizing. */
    public static ObjectNode encode(Message m) {
        ObjectNode out = JSON.objectNode();
        encode(m, out);
        return out;
    }

    /**
     * Decodes a peer message addressed from {@code from} to {@code to}.
     *
     * @throws IllegalArgumentException naming the first missing or malformed field
     */
    public static Message decode(JsonNode n, long from, long to) {
        String type = text(n, "type");
        long term = num(n, "t");
        return switch (type) {
            case VOTE -> new VoteRequest(from, to, term, num(n, "li"), num(n, "lt"), flag(n, "pv"), flag(n, "tr"));
            case VOTE_RESP -> new VoteResponse(from, to, term, flag(n, "pv"), flag(n, "g"));
            case APPEND -> {
                long prev = num(n, "pi");
                yield new AppendEntries(from, to, term, prev, num(n, "pt"), entries(n.get("e"), prev), num(n, "c"),
                        opt(n, "rr"));
            }
            case APPEND_RESP -> new AppendResponse(from, to, term, flag(n, "ok"), num(n, "i"), opt(n, "hi"),
                    opt(n, "ht"), opt(n, "rr"));
            case HEARTBEAT -> new Heartbeat(from, to, term, num(n, "c"), opt(n, "rr"));
            case HEARTBEAT_RESP -> new HeartbeatResponse(from, to, term, opt(n, "rr"), num(n, "li"));
            case SNAPSHOT -> {
                JsonNode m = n.get("m");
                if (m == null || !m.isObject()) {
                    throw new IllegalArgumentException("snapshot message without meta 'm'");
                }
                SnapshotMeta meta = new SnapshotMeta(num(m, "i"), num(m, "t"),
                        Membership.decode(bytes(m, "mb")), num(m, "sz"));
                yield new InstallSnapshot(from, to, term, meta, num(n, "o"), bytes(n, "d"), flag(n, "dn"));
            }
            case SNAPSHOT_RESP -> new SnapshotResponse(from, to, term, num(n, "si"), num(n, "no"), flag(n, "dn"));
            case TIMEOUT_NOW -> new TimeoutNow(from, to, term);
            case READ_INDEX -> new ReadIndexRequest(from, to, term, num(n, "id"));
            case READ_INDEX_RESP -> new ReadIndexResponse(from, to, term, num(n, "id"), num(n, "i"), flag(n, "ok"));
            default -> throw new IllegalArgumentException("unknown peer message type '" + type + "'");
        };
    }

    private static List<Entry> entries(JsonNode arr, long prevIndex) {
        if (arr == null) {
            return List.of();
        }
        if (!arr.isArray()) {
            throw new IllegalArgumentException("'e' is not an array");
        }
        List<Entry> out = new ArrayList<>(arr.size());
        long index = prevIndex + 1;
        for (JsonNode row : arr) {
            if (!row.isArray() || row.size() < 2 || !row.get(0).canConvertToLong() || !row.get(1).canConvertToInt()) {
                throw new IllegalArgumentException("malformed entry at index " + index + ": " + row);
            }
            int kind = row.get(1).asInt();
            if (kind < 0 || kind >= EntryType.values().length) {
                throw new IllegalArgumentException("unknown entry kind " + kind + " at index " + index);
            }
            byte[] data = row.size() > 2 ? decodeBase64(row.get(2).asText(), "entry " + index) : null;
            out.add(new Entry(index, row.get(0).asLong(), EntryType.values()[kind], data));
            index++;
        }
        return out;
    }

    private static void flag(ObjectNode out, String name, boolean value) {
        if (value) {
            out.put(name, 1);
        }
    }

    private static void nonZero(ObjectNode out, String name, long value) {
        if (value != 0) {
            out.put(name, value);
        }
    }

    private static boolean flag(JsonNode n, String name) {
        JsonNode v = n.get(name);
        return v != null && v.asInt() != 0;
    }

    private static long opt(JsonNode n, String name) {
        JsonNode v = n.get(name);
        if (v == null) {
            return 0;
        }
        if (!v.canConvertToLong()) {
            throw new IllegalArgumentException("field '" + name + "' is not a number: " + v);
        }
        return v.asLong();
    }

    private static long num(JsonNode n, String name) {
        JsonNode v = n.get(name);
        if (v == null || !v.canConvertToLong()) {
            throw new IllegalArgumentException("missing or non-numeric field '" + name + "'");
        }
        return v.asLong();
    }

    private static String text(JsonNode n, String name) {
        JsonNode v = n.get(name);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("missing or non-text field '" + name + "'");
        }
        return v.asText();
    }

    private static byte[] bytes(JsonNode n, String name) {
        return decodeBase64(text(n, name), "field '" + name + "'");
    }

    private static byte[] decodeBase64(String s, String what) {
        try {
            return B64D.decode(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " is not base64", e);
        }
    }
}
