package io.raftkv.runtime;

import io.raftkv.raft.Entry;
import io.raftkv.raft.EntryType;
import io.raftkv.raft.HardState;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MustSyncStorageTest {
    private final MemoryRaftStorage memory = new MemoryRaftStorage();
    private final MustSyncStorage storage = new MustSyncStorage(memory);

    private static Entry entry(long index, long term) {
        return new Entry(index, term, EntryType.NORMAL, new byte[] {1});
    }

    @Test
    void syncsEntriesAndSkipsABatchThatOnlyRaisesTheCommitIndex() throws IOException {
        storage.append(List.of(entry(1, 1)));
        storage.saveHardState(new HardState(1, 1, 0));
        storage.sync();
        assertThat(memory.syncs()).isEqualTo(1);

        storage.saveHardState(new HardState(1, 1, 1));
        storage.sync();
        assertThat(memory.syncs()).as("a commit-only batch is not synced").isEqualTo(1);
        assertThat(memory.recover().hardState().commit()).as("but it is written").isEqualTo(1);

        storage.append(List.of(entry(2, 1)));
        storage.sync();
        assertThat(memory.syncs()).isEqualTo(2);
    }

    @Test
    void syncsANewTermOrVoteEvenWithoutEntries() throws IOException {
        storage.saveHardState(new HardState(1, 0, 0));
        storage.sync();
        storage.saveHardState(new HardState(2, 0, 0));
        storage.sync();
        storage.saveHardState(new HardState(2, 3, 0));
        storage.sync();
        assertThat(memory.syncs()).isEqualTo(3);
    }

    @Test
    void anEmptyAppendDoesNotForceASync() throws IOException {
        storage.saveHardState(new HardState(1, 1, 0));
        storage.sync();
        storage.append(List.of());
        storage.sync();
        assertThat(memory.syncs()).isEqualTo(1);
    }
}
