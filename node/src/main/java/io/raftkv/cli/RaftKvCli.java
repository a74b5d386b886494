package io.raftkv.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code raftkv} command: client commands (put, get, delete, cas, list), operator commands (status,
 * members, add-learner, promote, remove, transfer-leader, snapshot), and the server ({@code node}, {@code local}).
 * Exit statuses are listed in {@link ExitCodes}.
 */
@Command(name = "raftkv", mixinStandardHelpOptions = true, version = "raftkv 0.1.0",
        // INHERIT: every subcommand, present and future, gets -h/--help and -V/--version and this footer.
        scope = CommandLine.ScopeType.INHERIT,
        description = "A strongly consistent, replicated key-value store on Raft.",
        subcommands = {KvCommands.Put.class, KvCommands.Get.class, KvCommands.Delete.class, KvCommands.Cas.class,
                KvCommands.List.class, AdminCommands.Status.class, AdminCommands.Members.class,
                AdminCommands.AddLearner.class, AdminCommands.Promote.class, AdminCommands.Remove.class,
                AdminCommands.TransferLeader.class, AdminCommands.Snapshot.class, NodeCommand.class,
                LocalCommand.class, io.raftkv.loadgen.BenchCommand.class, ClusterBenchCommand.class,
                WarmUpCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Exit status: 0 ok, 1 not found / CAS condition failed, 2 usage, 3 unavailable or timeout",
                "(status: no quorum), 4 invalid request, 5 refused (membership/leadership rules), 6 bad configuration,",
                "7 degraded (status: quorum, but a member is down), 70 internal."})
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
        cl.setParameterExceptionHandler(CliErrors::usage);
        cl.setExecutionExceptionHandler(CliErrors::execution);
        return cl.execute(args);
    }

    public static void main(String[] args) {
        java.io.PrintWriter out = new java.io.PrintWriter(System.out, true);
        java.io.PrintWriter err = new java.io.PrintWriter(System.err, true);
        System.exit(run(args, out, err));
    }
}
