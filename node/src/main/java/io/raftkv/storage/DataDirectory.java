package io.raftkv.storage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * A node's data directory: its identity (cluster ID and node ID, fixed when the directory is first used) and an
 * exclusive lock held while the node runs. A node refuses a directory that belongs to another cluster or node
 * (it would vote with someone else's log), and a second process refuses a directory already in use.
 * <pre>
 *   LOCK       lock file (holds the owner's PID, for the error message): {@link DataDirLock}
 *   IDENTITY   cluster and node ID, with a checksum
 *   wal/       log segments
 *   snap/      snapshots
 * </pre>
 */
public final class DataDirectory implements Closeable {

    private static final Logger log = LoggerFactory.getLogger(DataDirectory.class);
    private static final String IDENTITY = "IDENTITY";
    private static final Pattern CLUSTER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,252}");

    private final Path root;
    private final DataDirLock lock;

    private DataDirectory(Path root, DataDirLock lock) {
        this.root = root;
        this.lock = lock;
    }

    /**
     * Locks {@code root} (creating it if needed) and checks, or on first use records, its identity.
     *
     * @throws IOException if the directory is locked by another process, belongs to another cluster or node,
     *         or holds data but no identity
     */
    public static DataDirectory open(Path root, String clusterId, long nodeId, FileIo io) throws IOException {
        checkClusterId(clusterId);
        DataDirLock lock;
        try {
            lock = DataDirLock.acquire(root, io);
        } catch (DataDirLock.HeldException e) {
            throw new DataDirLock.HeldException(root, e.holderPid(), "data directory " + e.getMessage()
                    + "; refusing to start a second node on it");
        }
        return open(lock, clusterId, nodeId, io);
    }

    /**
     * Checks, or on first use records, the identity of the directory {@code lock} holds; the directory owns the
     * lock from here on (closing it releases the lock), also when this throws.
     */
    public static DataDirectory open(DataDirLock lock, String clusterId, long nodeId, FileIo io) throws IOException {
        DataDirectory dir = new DataDirectory(lock.dir(), lock);
        try {
            checkClusterId(clusterId);
            dir.checkIdentity(clusterId, nodeId, io);
            Files.createDirectories(dir.walDir());
            Files.createDirectories(dir.snapshotDir());
            return dir;
        } catch (IOException | RuntimeException e) {
            dir.close();
            throw e;
        }
    }

    private static void checkClusterId(String clusterId) {
        if (clusterId == null || !CLUSTER_ID.matcher(clusterId).matches()) {
            throw new IllegalArgumentException("cluster ID must be 1-253 characters of [A-Za-z0-9._:-], got '"
                    + clusterId + "'");
        }
    }

    /**
     * The node ID recorded in the data directory at {@code root}, or 0 if it has none yet (empty or absent). Lets
     * a node whose ID is not configured restart as itself; {@link #open} checks it again under the lock.
     *
     * @throws CorruptStorageException if the identity file is damaged
     */
    public static long recordedNodeId(Path root) throws IOException {
        Path file = root.resolve(IDENTITY);
        if (!Files.exists(file)) {
            return 0;
        }
        return Long.parseLong(readIdentity(file).get("node"));
    }

    public Path root() {
        return root;
    }

    public Path walDir() {
        return root.resolve("wal");
    }

    public Path snapshotDir() {
        return root.resolve("snap");
    }

    @Override
    public void close() throws IOException {
        lock.close();
    }

    private void checkIdentity(String clusterId, long nodeId, FileIo io) throws IOException {
        Path file = root.resolve(IDENTITY);
        if (!Files.exists(file)) {
            if (Files.exists(walDir()) || Files.exists(snapshotDir())) {
                throw new IOException("data directory " + root + " holds data but no " + IDENTITY
                        + " file: refusing to guess which cluster and node it belongs to");
            }
            writeIdentity(file, clusterId, nodeId, io);
            log.info("initialized data directory {} for cluster {} node {}", root, clusterId, nodeId);
            return;
        }
        Map<String, String> stored = readIdentity(file);
        String storedCluster = stored.get("cluster");
        long storedNode = Long.parseLong(stored.get("node"));
        if (!clusterId.equals(storedCluster)) {
            throw new IOException("data directory " + root + " belongs to cluster '" + storedCluster
                    + "', not '" + clusterId + "': refusing to start");
        }
        if (nodeId != storedNode) {
            throw new IOException("data directory " + root + " belongs to node " + storedNode + " of cluster '"
                    + storedCluster + "', not node " + nodeId + ": refusing to start");
        }
    }

    private static String identityBody(String clusterId, long nodeId) {
        return "format=1\ncluster=" + clusterId + "\nnode=" + nodeId + "\n";
    }

    private static String crcOf(String body) {
        CRC32C crc = new CRC32C();
        crc.update(body.getBytes(StandardCharsets.UTF_8));
        return Long.toHexString(crc.getValue());
    }

    private void writeIdentity(Path file, String clusterId, long nodeId, FileIo io) throws IOException {
        String body = identityBody(clusterId, nodeId);
        byte[] bytes = (body + "crc=" + crcOf(body) + "\n").getBytes(StandardCharsets.UTF_8);
        Path temp = root.resolve(IDENTITY + ".tmp");
        try (FileChannel channel = io.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            SnapshotFile.writeFully(channel, ByteBuffer.wrap(bytes), 0);
            channel.force(false);
        }
        io.moveAtomically(temp, file);
        io.syncDirectory(root);
    }

    private static Map<String, String> readIdentity(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int crcLine = text.lastIndexOf("crc=");
        Map<String, String> fields = new HashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                fields.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        if (crcLine < 0 || !crcOf(text.substring(0, crcLine)).equals(fields.get("crc"))
                || fields.get("cluster") == null || fields.get("node") == null) {
            throw new CorruptStorageException(file, 0, "identity file damaged (checksum mismatch or missing field)");
        }
        try {
            Long.parseLong(fields.get("node"));
        } catch (NumberFormatException e) {
            throw new CorruptStorageException(file, 0, "identity file has a bad node ID");
        }
        return fields;
    }
}
