package io.raftkv.storage;

import java.nio.file.Path;

/**
 * What the log knows about one of its segment files. {@code minReferencedIndex} is the lowest index that any
 * record in the segment depends on (its anchor, the index before an overwrite, a snapshot's index): replay can
 * start at a segment only if no later segment reaches below that segment's anchor, which decides what
 * compaction may delete.
 */
final class SegmentInfo {

    final SegmentHeader header;
    final Path path;
    private long minReferencedIndex;

    SegmentInfo(SegmentHeader header, Path path) {
        this.header = header;
        this.path = path;
        this.minReferencedIndex = header.anchorIndex();
    }

    void referenced(long index) {
        minReferencedIndex = Math.min(minReferencedIndex, index);
    }

    long minReferencedIndex() {
        return minReferencedIndex;
    }

    @Override
    public String toString() {
        return path.getFileName().toString();
    }
}
