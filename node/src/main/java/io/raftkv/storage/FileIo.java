package io.raftkv.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Every file operation the storage performs, behind one seam so that tests can inject a full disk or a
 * failing fsync without mounting anything. {@link #DEFAULT} is the real file system.
 */
public interface FileIo {

    FileIo DEFAULT = FileChannel::open;

    FileChannel open(Path path, OpenOption... options) throws IOException;

    /** Renames atomically: readers see either the old name or the new one, never a partial file. */
    default void moveAtomically(Path from, Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    }

    default void delete(Path path) throws IOException {
        Files.deleteIfExists(path);
    }

    /**
     * Makes renames, creations and deletions in {@code dir} durable (fsync of the directory itself): without
     * it a crash may undo a rename that already "happened".
     */
    default void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /** Bytes this process may still write on the file system holding {@code path}. */
    default long usableSpace(Path path) throws IOException {
        return Files.getFileStore(path).getUsableSpace();
    }
}
