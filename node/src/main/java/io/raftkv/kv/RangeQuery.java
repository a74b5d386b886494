package io.raftkv.kv;

import java.util.Objects;

/**
 * A read of a key range at a revision, with etcd's options (rpc.proto RangeRequest): {@code limit} 0 means no
 * limit; {@code revision} &le; 0 means the current one; the four revision filters are off when 0.
 */
public record RangeQuery(KeyRange range, long limit, long revision, SortOrder sortOrder, SortTarget sortTarget,
                         boolean keysOnly, boolean countOnly, long minModRevision, long maxModRevision,
                         long minCreateRevision, long maxCreateRevision) {

    public enum SortOrder { NONE, ASCEND, DESCEND }

    public enum SortTarget { KEY, VERSION, CREATE, MOD, VALUE }

    public RangeQuery {
        Objects.requireNonNull(range, "range");
        Objects.requireNonNull(sortOrder, "sortOrder");
        Objects.requireNonNull(sortTarget, "sortTarget");
    }

    /** Every key of {@code range} at the current revision, in key order. */
    public static RangeQuery of(KeyRange range) {
        return new RangeQuery(range, 0, 0, SortOrder.NONE, SortTarget.KEY, false, false, 0, 0, 0, 0);
    }

    boolean filtersOrSorts() {
        return sortOrder != SortOrder.NONE || sortTarget != SortTarget.KEY || minModRevision != 0
                || maxModRevision != 0 || minCreateRevision != 0 || maxCreateRevision != 0;
    }
}
