package io.raftkv.storage;

import io.raftkv.raft.Entry;
import io.raftkv.raft.HardState;
import io.raftkv.raft.Membership;
import io.raftkv.raft.Ready;
import io.raftkv.raft.RecoveredState;
import io.raftkv.raft.SnapshotMeta;
import io.raftkv.raft.SnapshotReader;
import io.raftkv.raft.message.InstallSnapshot;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.raftkv.storage.StorageFixtures.entries;
import static io.raftkv.storage.StorageFixtures.ready;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GroupCommitWriterTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    /** A storage that records what it is asked to do; sync can be held, or made to fail. */
    static final class ScriptedStorage implements RaftStorage {
        final List<String> events = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch firstSyncEntered = new CountDownLatch(1);
        final CountDownLatch releaseFirstSync = new CountDownLatch(1);
        volatile int failSyncNumber = -1;
        final AtomicInteger syncs = new AtomicInteger();

        @Override
        public void append(List<Entry> entries) {
            events.add("append " + entries.get(0).index());
        }

        @Override
        public void saveHardState(HardState hardState) {
            events.add("hardState " + hardState.commit());
        }

        @Override
        public void sync() throws IOException {
            int number = syncs.incrementAndGet();
            if (number == 1) {
                firstSyncEntered.countDown();
                try {
                    releaseFirstSync.await();
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            }
            if (number == failSyncNumber) {
                throw new IOException("injected: fsync failed");
            }
            events.add("sync");
        }

        @Override
        public RecoveredState recover() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void writeSnapshotChunk(InstallSnapshot chunk) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void installSnapshot(SnapshotMeta meta) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SnapshotMeta saveSnapshot(long index, long term, Membership membership, SnapshotWriter writer) {
            throw new UnsupportedOperationException();
        }

        @Override
        public InputStream openSnapshot(SnapshotMeta meta) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SnapshotReader snapshotReader() {
            return SnapshotReader.NONE;
        }

        @Override
        public void compact(long index) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
        }
    }

    /** Records the callbacks. */
    static final class Recorder implements GroupCommitWriter.Listener {
        final List<Ready> persisted = new CopyOnWriteArrayList<>();
        final List<Throwable> failures = new CopyOnWriteArrayList<>();

        @Override
        public void persisted(Ready ready) {
            persisted.add(ready);
        }

        @Override
        public void failed(Throwable cause) {
            failures.add(cause);
        }
    }

    @Test
    void readysArrivingDuringAnFsyncShareTheNextOneAndAreReportedInOrder() throws Exception {
        ScriptedStorage storage = new ScriptedStorage();
        Recorder recorder = new Recorder();
        GroupCommitWriter writer = new GroupCommitWriter(storage, recorder, null);
        List<Ready> submitted = new ArrayList<>();
        submitted.add(ready(null, entries(1, 1, 1)));
        writer.submit(submitted.get(0));
        assertThat(storage.firstSyncEntered.await(20, TimeUnit.SECONDS)).isTrue();
        for (long i = 2; i <= 20; i++) {
            Ready r = ready(new HardState(1, 0, i - 1), entries(i, i, 1));
            submitted.add(r);
            writer.submit(r);
        }
        assertThat(recorder.persisted).isEmpty(); // nothing is acknowledged before its fsync completes
        storage.releaseFirstSync.countDown();
        Await.until("all Readys persisted", TIMEOUT, () -> recorder.persisted.size() == 20);

        assertThat(recorder.persisted).containsExactlyElementsOf(submitted);
        assertThat(storage.syncs.get()).isEqualTo(2);
        assertThat(storage.events.get(0)).isEqualTo("append 1");
        assertThat(storage.events.get(1)).isEqualTo("sync");
        assertThat(storage.events.get(storage.events.size() - 1)).isEqualTo("sync");
        assertThat(storage.events).filteredOn(e -> e.equals("sync")).hasSize(2);
        assertThat(storage.events.subList(2, 4)).containsExactly("append 2", "hardState 1"); // Ready order kept
        assertThat(writer.stats().syncs()).isEqualTo(2);
        assertThat(writer.stats().entries()).isEqualTo(20);
        writer.close();
        assertThat(writer.state()).isEqualTo(GroupCommitWriter.State.CLOSED);
        assertThatThrownBy(() -> writer.submit(submitted.get(0))).isInstanceOf(StorageFailedException.class);
    }

    @Test
    void readysWithNothingToPersistAreReportedWithoutAnFsync() throws Exception {
        ScriptedStorage storage = new ScriptedStorage();
        storage.releaseFirstSync.countDown();
        Recorder recorder = new Recorder();
        GroupCommitWriter writer = new GroupCommitWriter(storage, recorder, null);
        Ready empty = ready(null, List.of());
        writer.submit(empty);
        Await.until("the empty Ready reported", TIMEOUT, () -> recorder.persisted.size() == 1);
        writer.close();

        assertThat(storage.syncs.get()).isZero();
        assertThat(recorder.persisted).containsExactly(empty);
    }

    @Test
    void afterAFailedFsyncNothingIsReportedPersistedAndSubmitRefuses() throws Exception {
        ScriptedStorage storage = new ScriptedStorage();
        storage.failSyncNumber = 2;
        Recorder recorder = new Recorder();
        GroupCommitWriter writer = new GroupCommitWriter(storage, recorder, null);
        Ready first = ready(null, entries(1, 1, 1));
        writer.submit(first);
        assertThat(storage.firstSyncEntered.await(20, TimeUnit.SECONDS)).isTrue();
        writer.submit(ready(null, entries(2, 2, 1)));
        writer.submit(ready(null, entries(3, 3, 1)));
        storage.releaseFirstSync.countDown();
        Await.until("the failure reported", TIMEOUT, () -> !recorder.failures.isEmpty());

        assertThat(recorder.persisted).containsExactly(first);
        assertThat(recorder.failures).singleElement().satisfies(e -> assertThat(e).hasMessageContaining("injected"));
        assertThat(writer.state()).isEqualTo(GroupCommitWriter.State.FAILED);
        assertThatThrownBy(() -> writer.submit(ready(null, entries(4, 4, 1))))
                .isInstanceOf(StorageFailedException.class).hasCauseInstanceOf(IOException.class);
        writer.close();
        assertThat(recorder.persisted).containsExactly(first);
    }

    @Test
    void closePersistsWhatWasSubmittedFirst() throws Exception {
        ScriptedStorage storage = new ScriptedStorage();
        Recorder recorder = new Recorder();
        GroupCommitWriter writer = new GroupCommitWriter(storage, recorder, null);
        writer.submit(ready(null, entries(1, 1, 1)));
        assertThat(storage.firstSyncEntered.await(20, TimeUnit.SECONDS)).isTrue();
        writer.submit(ready(null, entries(2, 2, 1)));
        Thread closer = new Thread(writer::close);
        closer.start();
        storage.releaseFirstSync.countDown();
        closer.join(TIMEOUT.toMillis());

        assertThat(closer.isAlive()).isFalse();
        assertThat(recorder.persisted).hasSize(2);
        assertThat(recorder.failures).isEmpty();
    }
}
