package io.raftkv.kv;

import java.util.Objects;

/**
 * One condition of a transaction (rpc.proto Compare): the {@code target} of every key in {@code range}, compared
 * with {@code operand} ({@code number} for VERSION, CREATE, MOD and LEASE; {@code value} for VALUE). A range
 * with no keys compares as one key with all fields zero, except that VALUE then never holds (etcd's rule: a
 * missing value cannot be represented).
 */
public record Compare(KeyRange range, Target target, Result result, long number, Bytes value) {

    public enum Target { VERSION, CREATE, MOD, VALUE, LEASE }

    public enum Result { EQUAL, GREATER, LESS, NOT_EQUAL }

    public Compare {
        Objects.requireNonNull(range, "range");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(value, "value");
    }

    boolean holdsFor(StoredValue kv) {
        int cmp = switch (target) {
            case VALUE -> java.util.Arrays.compareUnsigned(kv == null ? new byte[0] : kv.value(), value.array());
            case VERSION -> Long.compare(kv == null ? 0 : kv.version(), number);
            case CREATE -> Long.compare(kv == null ? 0 : kv.createRevision(), number);
            case MOD -> Long.compare(kv == null ? 0 : kv.modRevision(), number);
            case LEASE -> Long.compare(kv == null ? 0 : kv.lease(), number);
        };
        return switch (result) {
            case EQUAL -> cmp == 0;
            case NOT_EQUAL -> cmp != 0;
            case GREATER -> cmp > 0;
            case LESS -> cmp < 0;
        };
    }
}
