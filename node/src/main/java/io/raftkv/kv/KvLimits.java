package io.raftkv.kv;

import java.util.Optional;

/**
 * Size limits of the store. API layers call {@link #check(KvCommand)} before proposing (to answer the client
 * at once); the state machine calls it again on apply, so a command that bypassed the API layer is still
 * rejected — deterministically, on every replica.
 */
public final class KvLimits {

    /** Largest key, in bytes (keys must also be non-empty). */
    public static final int MAX_KEY_BYTES = 4 * 1024;
    /** Largest value, in bytes. */
    public static final int MAX_VALUE_BYTES = 1024 * 1024;
    /** Largest {@code limit} of one {@link KvStateMachine#range} call; bounds how long a range holds the read lock. */
    public static final int MAX_RANGE_LIMIT = 10_000;

    private KvLimits() {
    }

    /** Returns why {@code command} is not allowed, or empty if it is. */
    public static Optional<String> check(KvCommand command) {
        if (command instanceof KvCommand.Txn txn) {
            return TxnChecks.check(txn.request()).map(TxnChecks.Violation::message);
        }
        if (command instanceof KvCommand.Compact) {
            return Optional.empty();
        }
        Optional<String> key = checkKey(((KvCommand.SingleKey) command).key());
        if (key.isPresent()) {
            return key;
        }
        if (command instanceof KvCommand.Put put) {
            return checkValue("value", put.value());
        }
        if (command instanceof KvCommand.CompareAndSwap cas) {
            if (cas.condition() instanceof KvCommand.ValueEquals valueEquals) {
                Optional<String> expected = checkValue("expected value", valueEquals.expected());
                if (expected.isPresent()) {
                    return expected;
                }
            }
            return checkValue("new value", cas.newValue());
        }
        return Optional.empty();
    }

    /** Returns why {@code key} is not a valid key, or empty if it is. */
    public static Optional<String> checkKey(Bytes key) {
        if (key.isEmpty()) {
            return Optional.of("key must not be empty");
        }
        if (key.length() > MAX_KEY_BYTES) {
            return Optional.of("key is " + key.length() + " bytes, more than the limit of " + MAX_KEY_BYTES);
        }
        return Optional.empty();
    }

    private static Optional<String> checkValue(String what, Bytes value) {
        if (value.length() > MAX_VALUE_BYTES) {
            return Optional.of(what + " is " + value.length() + " bytes, more than the limit of " + MAX_VALUE_BYTES);
        }
        return Optional.empty();
    }
}
