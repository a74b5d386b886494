package io.raftkv.cli;

import io.raftkv.storage.DataDirLock;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The directory of a local cluster and who holds it: the launcher ({@code raftkv local}) holds the directory's own
 * lock for its lifetime, and each node holds its data directory's ({@code node-<i>/}); both are
 * {@link DataDirLock}s, so the OS, not a PID file that may be stale, says who is running. This is the only place
 * that deletes a local cluster's files, and it does so only under the locks of every data directory it deletes.
 */
final class LocalDirectory {

    private static final Pattern NODE_DIR = Pattern.compile("node-(\\d{1,4})");

    /** Something in the directory is in use; the message says by whom and what to do. */
    static final class InUseException extends Exception {
        InUseException(String message) {
            super(message);
        }
    }

    private LocalDirectory() {
    }

    static Path dataDir(Path dir, int node) {
        return dir.resolve("node-" + node);
    }

    /** Takes the launcher's lock on {@code dir} (creating it), or says which launcher runs there. */
    static DataDirLock lockForLauncher(Path dir) throws IOException, InUseException {
        try {
            return DataDirLock.acquire(dir);
        } catch (DataDirLock.HeldException e) {
            throw new InUseException(dir + " is in use by another raftkv local" + pid(e.holderPid())
                    + "; stop it with: raftkv local stop --dir " + dir);
        }
    }

    /** The PID of the {@code raftkv local} running on {@code dir}, if one runs. */
    static OptionalLong launcher(Path dir) throws IOException {
        return Files.isDirectory(dir) ? DataDirLock.holder(dir) : OptionalLong.empty();
    }

    /** Node number to the PID of the live process holding that node's data directory, for every node dir. */
    static SortedMap<Integer, Long> runningNodes(Path dir) throws IOException {
        SortedMap<Integer, Long> running = new TreeMap<>();
        for (int node : nodeNumbers(dir)) {
            OptionalLong pid = DataDirLock.holder(dataDir(dir, node));
            if (pid.isPresent()) {
                running.put(node, pid.getAsLong());
            }
        }
        return running;
    }

    /** Fails naming the first node data directory a live process holds (a node left over from an earlier run). */
    static void requireNoNodeRunning(Path dir) throws IOException, InUseException {
        SortedMap<Integer, Long> running = runningNodes(dir);
        if (!running.isEmpty()) {
            int node = running.firstKey();
            throw new InUseException("node " + node + "'s data directory " + dataDir(dir, node)
                    + " is in use by pid " + running.get(node) + " (a node left over from an earlier run?); "
                    + "stop it with: raftkv local stop --dir " + dir);
        }
    }

    /**
     * Deletes everything in {@code dir} except the launcher's lock file, which the caller holds. Each node data
     * directory is locked first and stays locked until its files are gone, so a live node's directory is never
     * deleted and no node can start on one half deleted.
     */
    static void clean(Path dir) throws IOException, InUseException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<DataDirLock> held = new ArrayList<>();
        try {
            for (int node : nodeNumbers(dir)) {
                try {
                    held.add(DataDirLock.acquire(dataDir(dir, node)));
                } catch (DataDirLock.HeldException e) {
                    throw new InUseException("refusing to delete " + dataDir(dir, node) + ": it is in use by "
                            + holderName(e.holderPid()) + "; stop it with: raftkv local stop --dir " + dir);
                }
            }
            Path launcherLock = dir.resolve(DataDirLock.FILE).toAbsolutePath();
            List<Path> nodeLocks = held.stream().map(l -> l.dir().resolve(DataDirLock.FILE).toAbsolutePath()).toList();
            List<Path> all;
            try (Stream<Path> paths = Files.walk(dir)) {
                all = paths.sorted(Comparator.reverseOrder()).toList();
            }
            for (Path p : all) {
                Path abs = p.toAbsolutePath();
                if (abs.equals(launcherLock) || nodeLocks.contains(abs) || abs.equals(dir.toAbsolutePath())
                        || held.stream().anyMatch(l -> l.dir().toAbsolutePath().equals(abs))) {
                    continue;
                }
                Files.delete(p);
            }
            // Last, with every other file gone: the node lock files and their directories.
            for (DataDirLock lock : held) {
                Files.deleteIfExists(lock.dir().resolve(DataDirLock.FILE));
                Files.deleteIfExists(lock.dir());
            }
        } finally {
            for (DataDirLock lock : held) {
                lock.close();
            }
        }
    }

    /** Deletes a directory a launcher does not hold (what {@code bench cluster} starts from), as {@link #clean}. */
    static void cleanUnlessInUse(Path dir) throws IOException, InUseException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DataDirLock ignored = lockForLauncher(dir)) {
            clean(dir);
        }
    }

    private static List<Integer> nodeNumbers(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Integer> numbers = new ArrayList<>();
        try (Stream<Path> children = Files.list(dir)) {
            for (Path child : children.filter(Files::isDirectory).toList()) {
                Matcher m = NODE_DIR.matcher(child.getFileName().toString());
                if (m.matches()) {
                    numbers.add(Integer.parseInt(m.group(1)));
                }
            }
        }
        numbers.sort(null);
        return numbers;
    }

    private static String holderName(OptionalLong pid) {
        return pid.isPresent() && pid.getAsLong() > 0 ? "pid " + pid.getAsLong() : "another process";
    }

    private static String pid(OptionalLong pid) {
        return pid.isPresent() && pid.getAsLong() > 0 ? " (pid " + pid.getAsLong() + ")" : "";
    }
}
