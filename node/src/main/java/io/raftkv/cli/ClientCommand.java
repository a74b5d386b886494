package io.raftkv.cli;

import io.raftkv.client.RaftKvClient;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** A command that talks to a cluster through the Java client. */
abstract class ClientCommand implements Callable<Integer> {
    @Mixin
    ClientOptions options;

    @Spec
    CommandSpec spec;

    Output out;

    @Override
    public final Integer call() {
        ClientOptions.quietGrpcLogging();
        out = new Output(options.output, spec.commandLine().getOut());
        try (RaftKvClient client = options.client(spec.commandLine())) {
            return run(client);
        }
    }

    abstract int run(RaftKvClient client);
}
