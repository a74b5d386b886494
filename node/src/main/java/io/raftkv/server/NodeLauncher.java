package io.raftkv.server;

import io.raftkv.config.NodeConfig;
import io.raftkv.storage.CorruptStorageException;
import io.raftkv.storage.DataDirLock;
import io.raftkv.storage.DataDirectory;
import io.raftkv.storage.FileIo;
import io.raftkv.storage.FileRaftStorage;
import io.raftkv.storage.FreeSpaceMonitor;
import io.raftkv.storage.StorageConfig;
import io.raftkv.transport.FaultInjector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.function.Consumer;

/** Starts a production node: file storage in the configured data directory, free-space alarm, no faults. */
public final class NodeLauncher {

    private static final Logger log = LoggerFactory.getLogger(NodeLauncher.class);

    private NodeLauncher() {
    }

    /**
     * Checks what can be checked before touching disk ({@link StartupChecks}: ports free, data directory usable),
     * then locks the data directory before reading anything in it ({@link DataDirLock}: a second node on the same
     * directory stops here, naming the holder's PID), chooses the node ID in Kubernetes mode
     * ({@link NodeConfig#withKubernetesNodeId}), opens the storage (checking the directory belongs to this cluster
     * and node; on first use it records the ID) and starts the node.
     *
     * @param fatal told about an unrecoverable error; the caller must stop the process
     * @throws StartupFailure for what the operator must fix first (one line each, no stack trace needed)
     */
    public static RaftKvNode launch(NodeConfig configured, Consumer<Throwable> fatal) throws IOException {
        configured.requireValid();
        Path dataDir = Path.of(configured.dataDir());
        StartupChecks.run(configured, StorageConfig.DEFAULT_SEGMENT_BYTES,
                existing -> FileIo.DEFAULT.usableSpace(existing));
        DataDirLock lock;
        try {
            lock = DataDirLock.acquire(dataDir);
        } catch (DataDirLock.HeldException e) {
            throw new StartupFailure("data-dir " + dataDir.toAbsolutePath() + " is in use by another process"
                    + e.holderPid().stream().mapToObj(pid -> " (pid " + pid + ")").findFirst().orElse("")
                    + "; refusing to start a second node on it", e);
        } catch (IOException e) {
            throw new StartupFailure("data-dir " + dataDir.toAbsolutePath() + ": cannot lock it: " + e.getMessage(), e);
        }
        FileRaftStorage storage;
        NodeConfig config;
        StorageConfig storageConfig;
        try {
            config = configured.withKubernetesNodeId(DataDirectory.recordedNodeId(dataDir), new SecureRandom()::nextLong);
            NodeConfig.ResolvedIdentity identity = config.resolve();
            storageConfig = StorageConfig.defaults(dataDir, config.clusterName(), identity.nodeId())
                    .withSnapshotsRetained(config.snapshot().keep())
                    .withFreeSpaceFloor(config.disk().minFreeMib() << 20);
            storage = FileRaftStorage.open(storageConfig, lock); // the storage owns the lock from here
        } catch (CorruptStorageException e) {
            lock.close();
            throw e;
        } catch (IOException e) {
            lock.close();
            throw new StartupFailure(e.getMessage(), e); // belongs to another cluster or node, or cannot be written
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
        FreeSpaceMonitor monitor = FreeSpaceMonitor.forStorage(storageConfig, (alarmed, usable, floor) -> {
            if (alarmed) {
                log.warn("disk alarm: {} MiB free in {}, below the floor of {} MiB; writes are refused",
                        usable >> 20, config.dataDir(), floor >> 20);
            } else {
                log.info("disk alarm cleared: {} MiB free", usable >> 20);
            }
        });
        monitor.check();
        try {
            return RaftKvNode.start(config, storage, FaultInjector.NONE, () -> monitor.checkIfDue(), fatal);
        } catch (IOException | RuntimeException e) {
            storage.close();
            throw e;
        }
    }
}
