package io.raftkv.cli;

import io.raftkv.client.RaftKvClient;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/** Options every client command shares. */
final class ClientOptions {
    static final String DEFAULT_ENDPOINTS = "127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003";

    @Option(names = {"-e", "--endpoints"}, paramLabel = "HOST:PORT,...",
            description = "gRPC addresses of cluster members (any one is enough). Default: $RAFTKV_ENDPOINTS, or "
                    + DEFAULT_ENDPOINTS + " (what `raftkv local` starts).")
    String endpoints;

    @Option(names = {"-o", "--output"}, description = "text (default) or json", defaultValue = "text")
    Output.Format output;

    @Option(names = "--timeout", description = "Give up after this many seconds (default ${DEFAULT-VALUE}).",
            defaultValue = "10")
    double timeoutSeconds;

    List<String> endpointList() {
        String e = endpoints;
        if (e == null || e.isBlank()) {
            e = System.getenv("RAFTKV_ENDPOINTS");
        }
        if (e == null || e.isBlank()) {
            e = DEFAULT_ENDPOINTS;
        }
        return Arrays.stream(e.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    RaftKvClient client() {
        return new RaftKvClient(endpointList(),
                RaftKvClient.Options.defaults().withDeadline(Duration.ofMillis((long) (timeoutSeconds * 1000))));
    }
}
