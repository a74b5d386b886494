package io.raftkv.cli;

import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Stops a node started by {@code raftkv local} when the launcher ends, however it ends (even SIGKILL), so that a
 * killed launcher never leaves orphaned nodes holding the cluster's ports and data directories. It polls the
 * launcher's process (PID plus start time, so a reused PID is not mistaken for it) from one daemon thread.
 */
final class LauncherWatch {
    private static final long POLL_MILLIS = 500;

    private LauncherWatch() {
    }

    static void start(long launcherPid) {
        Optional<ProcessHandle> launcher = ProcessHandle.of(launcherPid);
        ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "launcher-watch");
            t.setDaemon(true);
            return t;
        });
        watch.scheduleWithFixedDelay(() -> {
            if (launcher.isEmpty() || !launcher.get().isAlive()) {
                LoggerFactory.getLogger(LauncherWatch.class).warn(
                        "the raftkv local launcher (pid {}) is gone: stopping this node", launcherPid);
                watch.shutdown();
                System.exit(ExitCodes.OK); // the shutdown hook stops the node gracefully
            }
        }, 0, POLL_MILLIS, TimeUnit.MILLISECONDS);
    }
}
