package io.raftkv.storage;

import java.nio.file.Path;

/**
 * How a node's durable storage is laid out and tuned.
 *
 * @param dir                  the data directory (see {@link DataDirectory})
 * @param clusterId            the cluster this directory belongs to, recorded on first use
 * @param nodeId               the node this directory belongs to, recorded on first use
 * @param segmentBytes         size of one log segment file; a segment is full when the next record would cross it
 * @param preallocate          fill each new segment with zeros ahead of time (faster fdatasync, early ENOSPC)
 * @param snapshotsRetained    how many snapshots to keep (the newest is the one recovery uses)
 * @param freeSpaceFloorBytes  below this much usable space the free-space alarm is raised
 * @param fileIo               the file system layer (tests inject faults here)
 */
public record StorageConfig(Path dir, String clusterId, long nodeId, long segmentBytes, boolean preallocate,
                            int snapshotsRetained, long freeSpaceFloorBytes, FileIo fileIo) {

    public static final long DEFAULT_SEGMENT_BYTES = 64L << 20;
    public static final long DEFAULT_FREE_SPACE_FLOOR = 256L << 20;

    public StorageConfig {
        if (segmentBytes < 4096 || segmentBytes > (1L << 30)) {
            throw new IllegalArgumentException("segmentBytes must be between 4 KiB and 1 GiB, got " + segmentBytes);
        }
        if (snapshotsRetained < 1) {
            throw new IllegalArgumentException("must retain at least one snapshot, got " + snapshotsRetained);
        }
        if (freeSpaceFloorBytes < 0) {
            throw new IllegalArgumentException("free-space floor must not be negative, got " + freeSpaceFloorBytes);
        }
    }

    /** 64 MiB preallocated segments, two snapshots kept, alarm below 256 MiB free. */
    public static StorageConfig defaults(Path dir, String clusterId, long nodeId) {
        return new StorageConfig(dir, clusterId, nodeId, DEFAULT_SEGMENT_BYTES, true, 2, DEFAULT_FREE_SPACE_FLOOR,
                FileIo.DEFAULT);
    }

    public StorageConfig withSegmentBytes(long bytes) {
        return new StorageConfig(dir, clusterId, nodeId, bytes, preallocate, snapshotsRetained, freeSpaceFloorBytes,
                fileIo);
    }

    public StorageConfig withPreallocate(boolean enabled) {
        return new StorageConfig(dir, clusterId, nodeId, segmentBytes, enabled, snapshotsRetained, freeSpaceFloorBytes,
                fileIo);
    }

    public StorageConfig withSnapshotsRetained(int count) {
        return new StorageConfig(dir, clusterId, nodeId, segmentBytes, preallocate, count, freeSpaceFloorBytes,
                fileIo);
    }

    public StorageConfig withFreeSpaceFloor(long bytes) {
        return new StorageConfig(dir, clusterId, nodeId, segmentBytes, preallocate, snapshotsRetained, bytes, fileIo);
    }

    public StorageConfig withFileIo(FileIo io) {
        return new StorageConfig(dir, clusterId, nodeId, segmentBytes, preallocate, snapshotsRetained,
                freeSpaceFloorBytes, io);
    }
}
