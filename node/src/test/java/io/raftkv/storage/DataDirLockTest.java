package io.raftkv.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DataDirLockTest {

    @TempDir
    Path root;

    @Test
    void nobodyHoldsADirectoryWithoutALockFileOrAfterItsHolderReleasedIt() throws Exception {
        Path dir = root.resolve("data");
        assertThat(DataDirLock.holder(dir)).isEmpty();
        try (DataDirLock lock = DataDirLock.acquire(dir)) {
            assertThat(Files.readString(dir.resolve(DataDirLock.FILE)).strip())
                    .isEqualTo(Long.toString(ProcessHandle.current().pid()));
            assertThat(DataDirLock.holder(dir)).hasValue(ProcessHandle.current().pid());
            assertThatThrownBy(() -> DataDirLock.acquire(dir)).isInstanceOf(DataDirLock.HeldException.class);
        }
        assertThat(DataDirLock.holder(dir)).as("the PID is still in the file, but nobody holds the lock").isEmpty();
        assertThat(DataDirLock.recordedPid(dir)).hasValue(ProcessHandle.current().pid());
    }

    @Test
    void theHolderIsTheLiveProcessThatHoldsTheLockAndOnlyWhileItLives() throws Exception {
        Path dir = root.resolve("data");
        Path stderr = root.resolve("child.err");
        Process child = ChildJvm.start(LockHolderChild.class, stderr, dir.toString());
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).as("child stderr: %s", ChildJvm.tail(stderr)).startsWith("LOCKED");

            assertThat(DataDirLock.holder(dir)).hasValue(child.pid());
            DataDirLock.HeldException held = org.junit.jupiter.api.Assertions.assertThrows(
                    DataDirLock.HeldException.class, () -> DataDirLock.acquire(dir));
            assertThat(held.holderPid()).hasValue(child.pid());
            assertThat(held.getMessage()).contains(dir.toString()).contains("pid " + child.pid());
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(DataDirLock.holder(dir)).as("the OS released the lock of the killed holder")
                .isEqualTo(OptionalLong.empty());
        DataDirLock.acquire(dir).close();
    }
}
