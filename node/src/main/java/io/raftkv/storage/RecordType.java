package io.raftkv.storage;

/** The kinds of record in a write-ahead-log segment; the code is the byte stored in each record's frame. */
enum RecordType {
    /** One log entry: index, term, entry type, data. */
    ENTRY(1),
    /** Term, vote and commit index; the last one in the log wins. */
    HARD_STATE(2),
    /**
     * A snapshot (index, term) received from the leader replaced the log: the log is now empty and continues
     * after that entry (§7).
     */
    SNAPSHOT(3);

    final byte code;

    RecordType(int code) {
        this.code = (byte) code;
    }

    /** The type stored as {@code code}, or null if no type has that code. */
    static RecordType fromCode(byte code) {
        return switch (code) {
            case 1 -> ENTRY;
            case 2 -> HARD_STATE;
            case 3 -> SNAPSHOT;
            default -> null;
        };
    }
}
