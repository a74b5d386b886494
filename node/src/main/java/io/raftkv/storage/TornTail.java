package io.raftkv.storage;

import java.nio.file.Path;

/**
 * A torn write found at the end of the log at start-up and discarded: the last segment held a partial or
 * checksum-failing record followed by nothing intact, which is what a crash during an unsynced write leaves.
 * Nothing it held had been acknowledged.
 *
 * @param offset         where the discarded bytes began in {@code file}
 * @param discardedBytes how many non-zero bytes were zeroed
 */
public record TornTail(Path file, long offset, long discardedBytes, String reason) {
}
