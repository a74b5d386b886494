package io.raftkv.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One in-process run of the {@code raftkv} command: its exit code and what it printed (trimmed). */
record CliRun(int code, String out, String err) {

    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = RaftKvCli.run(args, new PrintWriter(out), new PrintWriter(err));
        return new CliRun(code, out.toString().trim(), err.toString().trim());
    }

    JsonNode json() throws Exception {
        return new ObjectMapper().readTree(out);
    }
}
