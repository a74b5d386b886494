package io.raftkv.cli;

import io.raftkv.client.RaftKvException;
import io.raftkv.config.ConfigException;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.List;

/**
 * How every subcommand reports a failure: one line on stderr and an exit status from {@link ExitCodes}; never a
 * stack trace for an expected failure (set RAFTKV_DEBUG=1 to get one for an internal error). Installed once, in
 * {@link RaftKvCli#run}, so that a new subcommand cannot get it wrong.
 */
final class CliErrors {
    private CliErrors() {
    }

    /** A wrong command line: the problem and where to read more, on one line; exit status 2. */
    static int usage(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        String name = cl.getCommandSpec().qualifiedName();
        String message = e.getMessage();
        if (e instanceof CommandLine.UnmatchedArgumentException u) {
            List<String> suggestions = u.getSuggestions();
            if (!suggestions.isEmpty()) {
                message += "; did you mean " + String.join(" or ", suggestions) + "?";
            }
        }
        PrintWriter err = cl.getErr();
        err.println(name + ": " + oneLine(message) + " (see '" + name + " --help')");
        err.flush();
        return ExitCodes.USAGE;
    }

    /** A command that ran and failed. */
    static int execution(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        int code;
        if (e instanceof RaftKvException k) {
            err.println("error: " + oneLine((k.reason().isEmpty() ? k.code() : k.reason()) + ": " + k.getMessage()));
            code = ExitCodes.of(k);
        } else if (e instanceof ConfigException c) {
            err.println(oneLine(c.getMessage()));
            code = ExitCodes.CONFIG;
        } else if (e instanceof CliFailure f) {
            err.println(cl.getCommandSpec().qualifiedName() + ": " + oneLine(f.getMessage()));
            code = f.exitCode;
        } else {
            err.println("internal error: " + oneLine(e.toString()) + " (RAFTKV_DEBUG=1 prints the stack trace)");
            if ("1".equals(System.getenv("RAFTKV_DEBUG"))) {
                e.printStackTrace(err);
            }
            code = ExitCodes.INTERNAL;
        }
        err.flush();
        return code;
    }

    static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s*[\\r\\n]+\\s*", "; ");
    }

    /** An expected failure a command detects itself, with the exit status it means. */
    static final class CliFailure extends RuntimeException {
        final int exitCode;

        CliFailure(int exitCode, String message) {
            super(message, null, false, false);
            this.exitCode = exitCode;
        }
    }
}
