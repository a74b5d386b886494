package io.raftkv.loadgen;

/**
 * The answer to a compare-and-swap.
 *
 * @param succeeded true if the expected version matched and the new value was written
 * @param version   the key's version after the operation: the new one on success, the current one on a
 *                  conflict (0 when the key does not exist), so that the next attempt can expect it
 */
public record CasResult(boolean succeeded, long version) {
}
