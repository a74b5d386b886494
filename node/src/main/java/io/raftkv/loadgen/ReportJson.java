package io.raftkv.loadgen;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The JSON form of a {@link BenchReport}: what the comparison script collects and the chart is drawn from. */
public final class ReportJson {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ReportJson() {
    }

    public static String write(BenchReport report) {
        try {
            return MAPPER.writeValueAsString(report) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void write(BenchReport report, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, write(report));
    }

    /** @throws IOException naming the file if it cannot be read or is not a report */
    public static BenchReport read(Path file) throws IOException {
        try {
            return MAPPER.readValue(file.toFile(), BenchReport.class);
        } catch (IOException e) {
            throw new IOException(file + " is not a readable bench report: " + e.getMessage(), e);
        }
    }
}
