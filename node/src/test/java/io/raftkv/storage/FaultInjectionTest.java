package io.raftkv.storage;

import io.raftkv.raft.Entry;
import io.raftkv.raft.HardState;
import io.raftkv.raft.Ready;
import io.raftkv.raft.RecoveredState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static io.raftkv.storage.StorageFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A disk that fills up and an fsync that fails: writes stop, nothing acknowledged is lost, and it recovers. */
class FaultInjectionTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    /** Submits Readys of five entries with a few in flight, recording what was acknowledged. */
    static final class Client implements GroupCommitWriter.Listener {
        final Semaphore window = new Semaphore(4);
        volatile long acknowledgedThrough;
        volatile Throwable failure;
        long nextIndex;

        Client(long nextIndex) {
            this.nextIndex = nextIndex;
        }

        @Override
        public void persisted(Ready ready) {
            acknowledgedThrough = ready.lastEntry().index();
            window.release();
        }

        @Override
        public void failed(Throwable cause) {
            failure = cause;
            window.release(1000);
        }

        /** Writes until {@code readys} were submitted or the writer fails. */
        void run(GroupCommitWriter writer, int readys) throws InterruptedException {
            for (int i = 0; i < readys && failure == null; i++) {
                assertThat(window.tryAcquire(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("writer stalled").isTrue();
                if (failure != null) {
                    return;
                }
                try {
                    writer.submit(ready(new HardState(1, 1, acknowledgedThrough), entries(nextIndex, nextIndex + 4, 1)));
                } catch (StorageFailedException e) {
                    return;
                }
                nextIndex += 5;
            }
        }
    }

    @Test
    void fullDiskRaisesTheAlarmFirstThenStopsWritesAndLosesNothingAcknowledged() throws Exception {
        FaultyFileIo io = new FaultyFileIo();
        io.freeBytes.set(300 * 1024);
        StorageConfig config = config(dir).withFileIo(io).withFreeSpaceFloor(100 * 1024);
        List<Boolean> alarms = new CopyOnWriteArrayList<>();
        Client client = new Client(1);
        long[] acknowledgedAtAlarm = {-1};
        FreeSpaceMonitor monitor = new FreeSpaceMonitor(dir, config.freeSpaceFloorBytes(), 0, io,
                (alarmed, usable, floor) -> {
                    alarms.add(alarmed);
                    if (alarmed) {
                        acknowledgedAtAlarm[0] = client.acknowledgedThrough;
                    }
                });

        try (FileRaftStorage storage = FileRaftStorage.open(config)) {
            storage.recover();
            GroupCommitWriter writer = new GroupCommitWriter(storage, client, monitor);
            client.run(writer, 100_000);
            Await.until("the writer to fail", TIMEOUT, () -> writer.state() == GroupCommitWriter.State.FAILED);
            writer.close();
            assertThat(client.failure).hasMessageContaining("No space left on device");
            assertThatThrownBy(() -> storage.append(entries(client.nextIndex, client.nextIndex, 1)))
                    .isInstanceOf(IOException.class).hasMessageContaining("stopped accepting writes");
        }
        assertThat(alarms).first().isEqualTo(true);
        assertThat(client.acknowledgedThrough).as("writes acknowledged after the alarm, before the disk was full")
                .isGreaterThan(acknowledgedAtAlarm[0]);
        assertAcknowledgedEntriesPresent(reopen(config(dir)), client.acknowledgedThrough);

        io.freeBytes.set(50L << 20); // space returns
        Client resumed;
        try (FileRaftStorage storage = FileRaftStorage.open(config)) {
            RecoveredState state = storage.recover();
            resumed = new Client(state.entries().get(state.entries().size() - 1).index() + 1);
            GroupCommitWriter writer = new GroupCommitWriter(storage, resumed, monitor);
            resumed.run(writer, 200);
            Await.until("the last Ready acknowledged", TIMEOUT, () -> resumed.acknowledgedThrough == resumed.nextIndex - 1);
            writer.close();
            assertThat(resumed.failure).isNull();
            assertThat(monitor.check()).isFalse();
            assertThat(alarms).containsExactly(true, false);
        }
        assertAcknowledgedEntriesPresent(reopen(config(dir).withFileIo(io)), resumed.acknowledgedThrough);
    }

    @Test
    void failedFsyncStopsWritesForGoodAndLosesNothingAcknowledged() throws Exception {
        FaultyFileIo io = new FaultyFileIo();
        StorageConfig config = config(dir).withFileIo(io);
        Client client = new Client(1);
        try (FileRaftStorage storage = FileRaftStorage.open(config)) {
            storage.recover();
            GroupCommitWriter writer = new GroupCommitWriter(storage, client, null);
            client.run(writer, 50);
            Await.until("the first 50 Readys acknowledged", TIMEOUT, () -> client.acknowledgedThrough == 250);
            io.failForce = true;
            client.run(writer, 50);
            Await.until("the writer to fail", TIMEOUT, () -> writer.state() == GroupCommitWriter.State.FAILED);
            writer.close();
            io.failForce = false; // the disk "works" again, but a failed fsync must never be retried
            assertThat(client.failure).hasMessageContaining("injected fsync failure");
            assertThat(client.acknowledgedThrough).isEqualTo(250);
            assertThatThrownBy(storage::sync).isInstanceOf(IOException.class)
                    .hasMessageContaining("stopped accepting writes");
        }
        assertAcknowledgedEntriesPresent(reopen(config(dir)), 250);
    }

    private static void assertAcknowledgedEntriesPresent(RecoveredState state, long acknowledgedThrough) {
        List<Entry> entries = state.entries();
        assertThat(entries.size()).isGreaterThanOrEqualTo((int) acknowledgedThrough);
        assertThat(entries).isEqualTo(StorageFixtures.entries(1, entries.size(), 1));
    }
}
