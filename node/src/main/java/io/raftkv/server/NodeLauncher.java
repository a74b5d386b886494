package io.raftkv.server;

import io.raftkv.config.NodeConfig;
import io.raftkv.storage.DataDirectory;
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
     * Chooses the node ID in Kubernetes mode ({@link NodeConfig#withKubernetesNodeId}), opens the data directory
     * (locking it, checking it belongs to this cluster and node; on first use it records the ID) and starts the node.
     *
     * @param fatal told about an unrecoverable error; the caller must stop the process
     */
    public static RaftKvNode launch(NodeConfig configured, Consumer<Throwable> fatal) throws IOException {
        NodeConfig config = configured.withKubernetesNodeId(DataDirectory.recordedNodeId(Path.of(configured.dataDir())),
                new SecureRandom()::nextLong);
        NodeConfig.ResolvedIdentity identity = config.resolve();
        StorageConfig storageConfig = StorageConfig.defaults(Path.of(config.dataDir()), config.clusterName(),
                        identity.nodeId())
                .withSnapshotsRetained(config.snapshot().keep())
                .withFreeSpaceFloor(config.disk().minFreeMib() << 20);
        FreeSpaceMonitor monitor = FreeSpaceMonitor.forStorage(storageConfig, (alarmed, usable, floor) -> {
            if (alarmed) {
                log.warn("disk alarm: {} MiB free in {}, below the floor of {} MiB; writes are refused",
                        usable >> 20, config.dataDir(), floor >> 20);
            } else {
                log.info("disk alarm cleared: {} MiB free", usable >> 20);
            }
        });
        FileRaftStorage storage = FileRaftStorage.open(storageConfig); // creates the directory
        monitor.check();
        try {
            return RaftKvNode.start(config, storage, FaultInjector.NONE, () -> monitor.checkIfDue(), fatal);
        } catch (IOException | RuntimeException e) {
            storage.close();
            throw e;
        }
    }
}
