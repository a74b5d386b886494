package io.raftkv.storage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Raises an alarm when usable space on the data directory's file system falls below a floor, before the disk
 * is actually full (etcd's NOSPACE alarm). While alarmed the server should refuse new client writes; Raft itself
 * keeps persisting what it already accepted. The alarm clears once usable space is back above the floor plus a
 * tenth of it, so that it does not flap around the threshold.
 */
public final class FreeSpaceMonitor {

    /** Told when the alarm is raised or cleared. */
    @FunctionalInterface
    public interface Listener {
        void alarmChanged(boolean alarmed, long usableBytes, long floorBytes);
    }

    private static final Logger log = LoggerFactory.getLogger(FreeSpaceMonitor.class);

    private final Path dir;
    private final long floorBytes;
    private final long checkIntervalNanos;
    private final FileIo io;
    private final Listener listener;
    private volatile boolean alarmed;
    private volatile long usableBytes = -1;
    private long lastCheck;
    private boolean checkedOnce;

    /**
     * @param checkIntervalNanos {@link #checkIfDue()} asks the file system at most this often
     */
    public FreeSpaceMonitor(Path dir, long floorBytes, long checkIntervalNanos, FileIo io, Listener listener) {
        this.dir = dir;
        this.floorBytes = floorBytes;
        this.checkIntervalNanos = checkIntervalNanos;
        this.io = io;
        this.listener = listener;
    }

    /** A monitor of {@code config}'s directory and floor, checking at most once a second. */
    public static FreeSpaceMonitor forStorage(StorageConfig config, Listener listener) {
        return new FreeSpaceMonitor(config.dir(), config.freeSpaceFloorBytes(), 1_000_000_000L, config.fileIo(),
                listener);
    }

    /** Checks now; returns whether the alarm is raised. */
    public synchronized boolean check() {
        lastCheck = System.nanoTime();
        checkedOnce = true;
        long usable;
        try {
            usable = io.usableSpace(dir);
        } catch (IOException e) {
            log.warn("cannot read free space of {}; keeping the alarm {}", dir, alarmed ? "raised" : "clear", e);
            return alarmed;
        }
        usableBytes = usable;
        boolean low = alarmed ? usable < floorBytes + floorBytes / 10 : usable < floorBytes;
        if (low != alarmed) {
            alarmed = low;
            if (low) {
                log.error("free-space alarm: {} has {} bytes usable, below the floor of {}; refuse new writes",
                        dir, usable, floorBytes);
            } else {
                log.warn("free-space alarm cleared: {} has {} bytes usable (floor {})", dir, usable, floorBytes);
            }
            listener.alarmChanged(low, usable, floorBytes);
        }
        return alarmed;
    }

    /** Checks if the interval since the last check has passed; returns whether the alarm is raised. */
    public synchronized boolean checkIfDue() {
        if (!checkedOnce || System.nanoTime() - lastCheck >= checkIntervalNanos) {
            return check();
        }
        return alarmed;
    }

    public boolean alarmed() {
        return alarmed;
    }

    /** Usable bytes at the last check, or -1 before the first. */
    public long usableBytes() {
        return usableBytes;
    }

    public long floorBytes() {
        return floorBytes;
    }
}
