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
        n.put("key", kv.getKey().toStringUtf8());
        n.put("value", kv.getValue().toStringUtf8());
        n.put("version", kv.getVersion());
        n.put("create_revision", kv.getCreateRevision());
        n.put("mod_revision", kv.getModRevision());
        return n;
    }

    @Command(name = "put", description = "Set a key to a value.")
    static final class Put extends ClientCommand {
        @Parameters(index = "0", paramLabel = "KEY")
        String key;
        @Parameters(index = "1", paramLabel = "VALUE")
        String value;

        @Override
        int run(RaftKvClient client) {
            PutResponse r = client.put(key, value);
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

    @Command(name = "cas", description = "Compare and swap: set KEY to NEW_VALUE only if it currently has the "
            + "expected value or version (exit status 1 if not).")
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
        @Parameters(index = "1", paramLabel = "NEW_VALUE")
        String newValue;

        @Override
        int run(RaftKvClient client) {
            CompareAndSwapResponse r = expected.value != null ? client.casValue(key, expected.value, newValue)
                    : client.casVersion(key, expected.version, newValue);
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

    @Command(name = "list", description = "List keys with a prefix, in byte order.")
    static final class List extends ClientCommand {
        @Parameters(index = "0", paramLabel = "PREFIX", defaultValue = "", description = "Default: every key.")
        String prefix;
        @Option(names = "--limit", description = "At most this many keys (default ${DEFAULT-VALUE}; 0: all).",
                defaultValue = "1000")
        int limit;
        @Option(names = "--keys-only", description = "Print keys without values.")
        boolean keysOnly;
        @Option(names = "--serializable", description = "Read from the answering node's local state, possibly stale.")
        boolean serializable;

        @Override
        int run(RaftKvClient client) {
            if (limit < 0) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--limit must be >= 0");
            }
            ArrayNode items = Output.object().arrayNode();
            StringBuilder text = new StringBuilder();
            ByteString after = ByteString.EMPTY;
            long revision = 0;
            int listed = 0;
            boolean more;
            do {
                int page = limit == 0 ? 1000 : Math.min(1000, limit - listed);
                RangeResponse r = client.range(RangeRequest.newBuilder().setPrefix(ByteString.copyFromUtf8(prefix))
                        .setLimit(page).setContinuationKey(after).setKeysOnly(keysOnly)
                        .setConsistency(serializable ? Consistency.SERIALIZABLE : Consistency.LINEARIZABLE).build());
                revision = r.getHeader().getRevision();
                for (KeyValue kv : r.getKvsList()) {
                    items.add(kvJson(kv));
                    text.append(kv.getKey().toStringUtf8());
                    if (!keysOnly) {
                        text.append('\t').append(kv.getValue().toStringUtf8());
                    }
                    text.append('\n');
                }
                listed += r.getKvsCount();
                after = r.getNextKey();
                more = r.getMore();
            } while (more && (limit == 0 || listed < limit));
            ObjectNode n = Output.object();
            n.set("kvs", items);
            n.put("count", listed);
            n.put("more", more);
            n.put("revision", revision);
            out.print(text.length() == 0 ? "" : text.substring(0, text.length() - 1), n);
            return ExitCodes.OK;
        }
    }
}
