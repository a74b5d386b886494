package io.raftkv.replica;

/**
 * A client's get or put as the simulator sends it. {@code arrivedNanos} is when this replica received it.
 */
record ClientRequest(String client, String mid, boolean isGet, String key, String value, long arrivedNanos) {
}
