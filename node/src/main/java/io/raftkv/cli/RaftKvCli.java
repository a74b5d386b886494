package io.raftkv.cli;

import io.raftkv.client.RaftKvException;
import io.raftkv.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code raftkv} command: client commands (put, get, delete, cas, list), operator commands (status,
 * members, add-learner, promote, remove, transfer-leader, snapshot), and the server ({@code node}, {@code local}).
 * Exit statuses are listed in {@link ExitCodes}.
 */
@Command(name = "raftkv", mixinStandardHelpOptions = true, version = "raftkv 0.1.0",
        description = "A strongly consistent, replicated key-value store on Raft.",
        subcommands = {KvCommands.Put.class, KvCommands.Get.class, KvCommands.Delete.class, KvCommands.Cas.class,
                KvCommands.List.class, AdminCommands.Status.class, AdminCommands.Members.class,
                AdminCommands.AddLearner.class, AdminCommands.Promote.class, AdminCommands.Remove.class,
                AdminCommands.TransferLeader.class, AdminCommands.Snapshot.class, NodeCommand.class,
                LocalCommand.class, io.raftkv.loadgen.BenchCommand.class, ClusterBenchCommand.class,
                WarmUpCommand.class},
        footer = {"", "Exit status: 0 ok, 1 not found / CAS condition failed, 2 usage, 3 unavailable or timeout,",
                "4 invalid request, 5 refused (membership/leadership rules), 6 bad configuration, 70 internal."})
public final class RaftKvCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    /** Runs the CLI and returns its exit status (for tests). */
    public static int run(String[] args, java.io.PrintWriter out, java.io.PrintWriter err) {
        CommandLine cl = new CommandLine(new RaftKvCli());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof RaftKvException k) {
                commandLine.getErr().println("error: " + (k.reason().isEmpty() ? k.code() : k.reason()) + ": "
                        + k.getMessage());
                return ExitCodes.of(k);
            }
            if (e instanceof ConfigException c) {
                commandLine.getErr().println(c.getMessage());
                return ExitCodes.CONFIG;
            }
            commandLine.getErr().println("error: " + e);
            return ExitCodes.INTERNAL;
        });
        return cl.execute(args);
    }

    public static void main(String[] args) {
        java.io.PrintWriter out = new java.io.PrintWriter(System.out, true);
        java.io.PrintWriter err = new java.io.PrintWriter(System.err, true);
        System.exit(run(args, out, err));
    }
}
