package io.raftkv.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.raftkv.client.RaftKvClient;
import io.raftkv.grpc.proto.CompareAndSwapResponse;
import io.raftkv.grpc.proto.Consistency;
import io.raftkv.grpc.proto.DeleteResponse;
import io.raftkv.grpc.proto.GetResponse;
import io.raftkv.grpc.proto.KeyValue;
import io.raftkv.grpc.proto.PutResponse;
import io.raftkv.grpc.proto.RangeRequest;
import io.raftkv.grpc.proto.RangeResponse;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** put, get, delete, cas and list. Keys and values are UTF-8 text on the command line. */
final class KvCommands {
    private KvCommands() {
    }

    static ObjectNode kvJson(KeyValue kv) {
        ObjectNode n = Output.object();
        putBytes(n, "key", kv.getKey());
        putBytes(n, "value", kv.getValue());
        n.put("version", kv.getVersion());
        n.put("create_revision", kv.getCreateRevision());
        n.put("mod_revision", kv.getModRevision());
        return n;
    }

    /** UTF-8 text as a string; other bytes as {@code NAME_base64}, so that JSON output never alters them. */
    static void putBytes(ObjectNode n, String name, ByteString bytes) {
        if (bytes.isValidUtf8()) {
            n.put(name, bytes.toStringUtf8());
        } else {
            n.put(name + "_base64", java.util.Base64.getEncoder().encodeToString(bytes.toByteArray()));
        }
    }

    @Command(name = "put", description = {"Set a key to a value.",
            "The value comes from the command line, from standard input (VALUE -) or from a file (--from-file), "
                    + "stored byte for byte."})
    static final class Put extends ClientCommand {
        @Parameters(index = "0", paramLabel = "KEY")
        String key;
        @Parameters(index = "1", paramLabel = "VALUE", arity = "0..1", description = "The value; - reads standard input.")
        String value;
        @picocli.CommandLine.Mixin
        ValueInput input;

        @Override
        int run(RaftKvClient client) {
            PutResponse r = client.put(ByteString.copyFromUtf8(key), input.read(spec.commandLine(), value, "VALUE"));
            ObjectNode n = kvJson(r.getKv());
            n.put("revision", r.getHeader().getRevision());
            out.print("OK (revision " + r.getHeader().getRevision() + ", version " + r.getKv().getVersion() + ")", n);
            return ExitCodes.OK;
        }
    }

    @Command(name = "get", description = "Print a key's value (exit status 1 if it does not exist).")
    static final class Get extends ClientCommand {
        @Parameters(index = "0", paramLabel = "KEY")
        String key;
        @Option(names = "--serializable", description = "Read from the answering node's local state, possibly stale.")
        boolean serializable;

        @Override
        int run(RaftKvClient client) {
            GetResponse r = client.get(ByteString.copyFromUtf8(key),
                    serializable ? Consistency.SERIALIZABLE : Consistency.LINEARIZABLE);
            if (!r.getFound()) {
                ObjectNode n = Output.object();
                n.put("key", key);
                n.put("found", false);
                n.put("revision", r.getHeader().getRevision());
                out.print(null, n);
                spec.commandLine().getErr().println("not found: " + key);
                return ExitCodes.NOT_FOUND_OR_CONDITION_FAILED;
            }
            ObjectNode n = kvJson(r.getKv());
            n.put("found", true);
            n.put("revision", r.getHeader().getRevision());
            out.print(r.getKv().getValue().toStringUtf8(), n);
            return ExitCodes.OK;
        }
    }

    @Command(name = "delete", description = "Delete a key (succeeds also if it does not exist).")
    static final class Delete extends ClientCommand {
        @Parameters(index = "0", paramLabel = "KEY")
        String key;

        @Override
        int run(RaftKvClient client) {
            DeleteResponse r = client.delete(key);
            ObjectNode n = Output.object();
            n.put("key", key);
            n.put("deleted", r.getDeleted());
            n.put("revision", r.getHeader().getRevision());
            out.print(r.getDeleted() ? "deleted" : "no such key", n);
            return ExitCodes.OK;
        }
    }

    @Command(name = "cas", description = {"Compare and swap: set KEY to NEW_VALUE only if it currently has the "
            + "expected value or version (exit status 1 if not).",
            "NEW_VALUE - reads standard input; --from-file reads a file."})
    static final class Cas extends ClientCommand {
        static final class Expected {
            @Option(names = "--expected", paramLabel = "VALUE", description = "The value the key must have now.")
            String value;
            @Option(names = "--expected-version", paramLabel = "N",
                    description = "The version the key must have now (0: the key must not exist).")
            Long version;
        }

        @ArgGroup(exclusive = true, multiplicity = "1")
        Expected expected;
        @Parameters(index = "0", paramLabel = "KEY")
        String key;
        @Parameters(index = "1", paramLabel = "NEW_VALUE", arity = "0..1")
        String newValue;
        @picocli.CommandLine.Mixin
        ValueInput input;

        @Override
        int run(RaftKvClient client) {
            ByteString k = ByteString.copyFromUtf8(key);
            ByteString v = input.read(spec.commandLine(), newValue, "NEW_VALUE");
            CompareAndSwapResponse r = expected.value != null
                    ? client.casValue(k, ByteString.copyFromUtf8(expected.value), v)
                    : client.casVersion(k, expected.version, v);
            ObjectNode n = r.hasKv() ? kvJson(r.getKv()) : Output.object();
            n.put("succeeded", r.getSucceeded());
            n.put("revision", r.getHeader().getRevision());
            String now = r.hasKv() ? "'" + r.getKv().getValue().toStringUtf8() + "' (version " + r.getKv().getVersion()
                    + ")" : "absent";
            out.print(r.getSucceeded() ? "OK (revision " + r.getHeader().getRevision() + ")"
                    : "condition failed: the key is " + now, n);
            return r.getSucceeded() ? ExitCodes.OK : ExitCodes.NOT_FOUND_OR_CONDITION_FAILED;
        }
    }

    @Command(name = "list", description = {"List keys with a prefix, in byte order: every one, page by page, unless "
            + "--limit says otherwise.",
            "Text: KEY<TAB>VALUE per line; a limit that leaves keys out says so on stderr, with how to go on."})
    static final class List extends ClientCommand {
        /** Keys per request (the server caps a page at 10000). */
        static final int PAGE = 1000;

        @Parameters(index = "0", paramLabel = "PREFIX", defaultValue = "", description = "Default: every key.")
        String prefix;
        @Option(names = "--limit", paramLabel = "N", description = "At most N keys (default ${DEFAULT-VALUE}: all).",
                defaultValue = "0")
        long limit;
        @Option(names = "--after", paramLabel = "KEY", description = "Start after this key (to go on where a "
                + "--limit stopped).")
        String after;
        @Option(names = "--keys-only", description = "Print keys without values.")
        boolean keysOnly;
        @Option(names = "--serializable", description = "Read from the answering node's local state, possibly stale.")
        boolean serializable;

        @Override
        int run(RaftKvClient client) {
            if (limit < 0) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--limit must be >= 0");
            }
            java.io.PrintWriter text = spec.commandLine().getOut();
            ArrayNode items = Output.object().arrayNode();
            ByteString from = after == null ? ByteString.EMPTY : ByteString.copyFromUtf8(after);
            ByteString last = from;
            long revision = 0;
            long listed = 0;
            boolean more;
            do {
                int page = (int) (limit == 0 ? PAGE : Math.min(PAGE, limit - listed));
                RangeResponse r = client.range(RangeRequest.newBuilder().setPrefix(ByteString.copyFromUtf8(prefix))
                        .setLimit(page).setContinuationKey(from).setKeysOnly(keysOnly)
                        .setConsistency(serializable ? Consistency.SERIALIZABLE : Consistency.LINEARIZABLE).build());
                revision = revision == 0 ? r.getHeader().getRevision() : revision;
                for (KeyValue kv : r.getKvsList()) {
                    if (out.json()) {
                        items.add(kvJson(kv));
                    } else {
                        // Streamed: a million keys need not fit in memory twice.
                        text.println(keysOnly ? kv.getKey().toStringUtf8()
                                : kv.getKey().toStringUtf8() + '\t' + kv.getValue().toStringUtf8());
                    }
                    last = kv.getKey();
                }
                listed += r.getKvsCount();
                from = r.getNextKey();
                more = r.getMore();
            } while (more && (limit == 0 || listed < limit));
            text.flush();
            if (out.json()) {
                ObjectNode n = Output.object();
                n.set("kvs", items);
                n.put("count", listed);
                n.put("more", more);
                n.put("revision", revision);
                out.print(null, n);
            }
            if (more) {
                spec.commandLine().getErr().println("listed " + listed + " keys, more follow: --limit 0 lists all, "
                        + "--after '" + last.toStringUtf8() + "' goes on");
                spec.commandLine().getErr().flush();
            }
            return ExitCodes.OK;
        }
    }
}
