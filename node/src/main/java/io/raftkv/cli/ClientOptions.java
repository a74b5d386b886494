package io.raftkv.cli;

import io.raftkv.client.RaftKvClient;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/** Options every client command shares. */
public final class ClientOptions {
    public static final String DEFAULT_ENDPOINTS = "127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003";
    private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9a-fA-F:.]+]|[^:\\[\\]/\\s]+):(\\d{1,5})");

    /**
     * gRPC logs connection and name-resolution failures with stack traces (java.util.logging, to stderr); a
     * command-line client reports them itself, in one line. Held here because java.util.logging keeps loggers
     * weakly.
     */
    private static final java.util.logging.Logger GRPC_LOG = java.util.logging.Logger.getLogger("io.grpc");

    @Option(names = {"-e", "--endpoints"}, paramLabel = "HOST:PORT,...",
            description = "gRPC addresses of cluster members (any one is enough). Default: $RAFTKV_ENDPOINTS, or "
                    + DEFAULT_ENDPOINTS + " (what `raftkv local` starts).")
    String endpoints;

    @Option(names = {"-o", "--output"}, description = "text (default) or json", defaultValue = "text")
    Output.Format output;

    @Option(names = "--timeout", description = "Give up after this many seconds (default ${DEFAULT-VALUE}).",
            defaultValue = "10")
    double timeoutSeconds;

    /** Silences gRPC's own logging in a command-line client (not in a node, which logs through logback). */
    public static void quietGrpcLogging() {
        GRPC_LOG.setLevel(java.util.logging.Level.OFF);
    }

    /** The endpoints given, else $RAFTKV_ENDPOINTS, else the local cluster's; each HOST:PORT. */
    public static List<String> endpointList(String given) {
        String e = given;
        if (e == null || e.isBlank()) {
            e = System.getenv("RAFTKV_ENDPOINTS");
        }
        if (e == null || e.isBlank()) {
            e = DEFAULT_ENDPOINTS;
        }
        return Arrays.stream(e.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    List<String> endpointList() {
        return endpointList(endpoints);
    }

    /** A client for the endpoints; a malformed endpoint or timeout is a usage error. */
    RaftKvClient client(CommandLine cl) {
        List<String> list = endpointList();
        for (String e : list) {
            var m = HOST_PORT.matcher(e);
            if (!m.matches() || Integer.parseInt(m.group(2)) < 1 || Integer.parseInt(m.group(2)) > 65535) {
                throw new CommandLine.ParameterException(cl, "endpoint '" + e + "' is not HOST:PORT");
            }
        }
        if (!(timeoutSeconds > 0) || timeoutSeconds > 86_400) {
            throw new CommandLine.ParameterException(cl, "--timeout must be between 0 and 86400 seconds, got "
                    + timeoutSeconds);
        }
        return new RaftKvClient(list,
                RaftKvClient.Options.defaults().withDeadline(Duration.ofMillis((long) (timeoutSeconds * 1000))));
    }
}
