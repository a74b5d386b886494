package io.raftkv.storage;

import java.nio.file.Path;

/** Child process for {@link DataDirectoryTest}: holds a data directory open until its stdin closes. */
public final class LockHolderChild {
    public static void main(String[] args) throws Exception {
        try (DataDirectory dir = DataDirectory.open(Path.of(args[0]), StorageFixtures.CLUSTER, StorageFixtures.NODE,
                FileIo.DEFAULT)) {
            System.out.println("LOCKED " + dir.root());
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold the lock until the parent closes our stdin or kills us
            }
        }
    }
}
