package io.raftkv.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.PrintWriter;

/** Prints results for people (text, the default) or for scripts ({@code --output json}). */
final class Output {
    enum Format { text, json }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Format format;
    private final PrintWriter out;

    Output(Format format, PrintWriter out) {
        this.format = format;
        this.out = out;
    }

    boolean json() {
        return format == Format.json;
    }

    static ObjectNode object() {
        return JSON.createObjectNode();
    }

    /** Prints {@code text} in text mode, {@code json} in JSON mode. */
    void print(String text, ObjectNode json) {
        if (format == Format.json) {
            try {
                out.println(JSON.writeValueAsString(json));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        } else if (text != null && !text.isEmpty()) {
            out.println(text);
        }
        out.flush();
    }
}
