package io.raftkv.replica;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * An in-memory map applying put commands encoded as {@code [int keyLength][key UTF-8][value UTF-8]}.
 * Stands in for the store of package {@code io.raftkv.kv} until that lands.
 */
public final class MapStateMachine implements ReplicaStateMachine {
    private final Map<String, String> values = new HashMap<>();
    private long appliedIndex;

    @Override
    public byte[] putCommand(String key, String value) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + k.length + v.length).putInt(k.length).put(k).put(v).array();
    }

    @Override
    public void apply(long index, byte[] command) {
        if (index <= appliedIndex) {
            throw new IllegalArgumentException("entry " + index + " applied twice (applied through " + appliedIndex + ")");
        }
        ByteBuffer buf = ByteBuffer.wrap(command);
        if (buf.remaining() < 4) {
            throw new IllegalArgumentException("put command at index " + index + " is shorter than its header");
        }
        int keyLength = buf.getInt();
        if (keyLength < 0 || keyLength > buf.remaining()) {
            throw new IllegalArgumentException("put command at index " + index + " has bad key length " + keyLength);
        }
        String key = new String(command, 4, keyLength, StandardCharsets.UTF_8);
        String value = new String(command, 4 + keyLength, command.length - 4 - keyLength, StandardCharsets.UTF_8);
        values.put(key, value);
        appliedIndex = index;
    }

    @Override
    public String get(String key) {
        return values.getOrDefault(key, "");
    }
}
