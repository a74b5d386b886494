package io.raftkv.server;

import io.raftkv.config.HostPort;
import io.raftkv.config.NodeConfig;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What can be checked before a node touches its data directory or starts Raft: that its ports are free and that
 * its data directory is (or can become) a writable directory with room for the first log segment. A node that
 * fails one of these would otherwise find out only after it had initialised its data directory, or after it had
 * elected itself. Every problem found is reported at once, one line each.
 */
public final class StartupChecks {

    /** Room an existing data directory needs to start (hard state, a snapshot's temporary file header). */
    static final long MIN_FREE_EXISTING = 1L << 20;

    /** Usable bytes of the file system holding a path (an interface so tests can pretend a disk is full). */
    @FunctionalInterface
    interface FreeSpace {
        long usableBytes(Path existing) throws IOException;
    }

    private StartupChecks() {
    }

    /**
     * Runs every check.
     *
     * @param segmentBytes the size of a log segment, preallocated when a fresh directory is initialised
     * @throws StartupFailure naming every problem, one per line
     */
    static void run(NodeConfig config, long segmentBytes, FreeSpace freeSpace) {
        List<String> problems = new ArrayList<>();
        checkPort(problems, "listen", config.listen());
        if (config.http() != null && !config.http().isBlank()) {
            checkPort(problems, "http", config.http());
        }
        checkDataDir(problems, Path.of(config.dataDir()).toAbsolutePath(), segmentBytes, freeSpace);
        if (!problems.isEmpty()) {
            throw new StartupFailure(String.join("\n", problems));
        }
    }

    static void checkPort(List<String> problems, String setting, String address) {
        portProblem(setting, address).ifPresent(problems::add);
    }

    /**
     * Why {@code address} cannot be listened on, if it cannot: binds it for an instant, the only reliable way to
     * know it is free (and that the host is one of ours). {@code what} names the setting in the message.
     */
    public static Optional<String> portProblem(String what, String address) {
        HostPort hp = HostPort.parse(address);
        if (hp.port() == 0) {
            return Optional.empty();
        }
        InetSocketAddress socket = new InetSocketAddress(hp.host(), hp.port());
        if (socket.isUnresolved()) {
            return Optional.of("cannot listen on " + address + " (" + what + "): unknown host " + hp.host());
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true); // as the real servers do: a port in TIME_WAIT is free for them
            probe.bind(socket);
            return Optional.empty();
        } catch (IOException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (reason.startsWith("Address already in use")) {
                reason = "the port is in use by another process";
            }
            return Optional.of("cannot listen on " + address + " (" + what + "): " + reason);
        }
    }

    static void checkDataDir(List<String> problems, Path dir, long segmentBytes, FreeSpace freeSpace) {
        String name = "data-dir " + dir;
        Path existing = dir;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            problems.add(name + ": no part of the path exists");
            return;
        }
        if (!Files.isDirectory(existing)) {
            problems.add(existing.equals(dir) ? name + ": is a file, not a directory"
                    : name + ": cannot be created, " + existing + " is a file");
            return;
        }
        if (!Files.isWritable(existing)) {
            problems.add(existing.equals(dir) ? name + ": is not writable (read-only file system or permissions)"
                    : name + ": cannot be created, " + existing + " is not writable (read-only file system or permissions)");
            return;
        }
        boolean fresh = !Files.exists(dir.resolve("IDENTITY"));
        long needed = fresh ? segmentBytes + MIN_FREE_EXISTING : MIN_FREE_EXISTING;
        try {
            long usable = freeSpace.usableBytes(existing);
            if (usable < needed) {
                problems.add(name + ": only " + mib(usable) + " free on its file system; "
                        + (fresh ? "a new node needs " + mib(needed) + " (its first log segment)"
                                 : "the node needs " + mib(needed) + " to start"));
            }
        } catch (IOException e) {
            problems.add(name + ": cannot read the free space of its file system: " + e.getMessage());
        }
    }

    private static String mib(long bytes) {
        return bytes >= (1L << 20) ? (bytes >> 20) + " MiB" : (bytes >> 10) + " KiB";
    }
}
