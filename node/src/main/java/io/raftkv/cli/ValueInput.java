package io.raftkv.cli;

import com.google.protobuf.ByteString;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Where a command's value comes from: the command line (UTF-8), standard input ({@code -}), or a file
 * ({@code --from-file}), read as bytes and stored as they are. A command-line argument cannot exceed 128 KiB
 * (Linux's MAX_ARG_STRLEN), while a node accepts values up to its {@code limits.max-value-bytes}.
 */
final class ValueInput {
    /** The most a node can be configured to accept (NodeConfig's limit of limits.max-value-bytes). */
    static final int MAX_VALUE_BYTES = 16 << 20;

    @Option(names = "--from-file", paramLabel = "FILE",
            description = "Read the value from FILE (its bytes as they are) instead of the command line.")
    Path fromFile;

    /**
     * The value: {@code argument} unless it is {@code -} (read standard input) or absent with {@code --from-file}.
     *
     * @param name what the value is called in messages (VALUE, NEW_VALUE)
     */
    ByteString read(CommandLine cl, String argument, String name) {
        if (fromFile != null && argument != null) {
            throw new CommandLine.ParameterException(cl, "give " + name + " or --from-file, not both");
        }
        if (fromFile == null && argument == null) {
            throw new CommandLine.ParameterException(cl, "missing " + name + " (or --from-file FILE, or - for "
                    + "standard input)");
        }
        if (fromFile != null) {
            try (InputStream in = Files.newInputStream(fromFile)) {
                return readAtMost(cl, in, fromFile.toString());
            } catch (NoSuchFileException e) {
                throw new CommandLine.ParameterException(cl, "--from-file " + fromFile + ": no such file");
            } catch (IOException e) {
                throw new CommandLine.ParameterException(cl, "--from-file " + fromFile + ": " + e.getMessage());
            }
        }
        if (argument.equals("-")) {
            try {
                return readAtMost(cl, System.in, "standard input");
            } catch (IOException e) {
                throw new CommandLine.ParameterException(cl, "cannot read standard input: " + e.getMessage());
            }
        }
        return ByteString.copyFromUtf8(argument);
    }

    private static ByteString readAtMost(CommandLine cl, InputStream in, String what) throws IOException {
        byte[] bytes = in.readNBytes(MAX_VALUE_BYTES + 1);
        if (bytes.length > MAX_VALUE_BYTES) {
            throw new CommandLine.ParameterException(cl, what + " holds more than " + MAX_VALUE_BYTES
                    + " bytes, the most a node accepts");
        }
        return ByteString.copyFrom(bytes);
    }
}
