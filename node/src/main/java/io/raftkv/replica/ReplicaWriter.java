package io.raftkv.replica;

import io.raftkv.kv.Bytes;
import io.raftkv.kv.KvCommand;
import io.raftkv.kv.KvCommandCodec;
import io.raftkv.kv.KvLimits;

import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Turns the simulator's puts into the server's own log commands ({@link KvCommand.Put}), written under one
 * exactly-once session per replica process (thesis §6.3): a random client id and a sequence number that grows
 * with every put this replica proposes. A replica proposes only as leader, its terms only grow, and a log
 * holds one leader's entries in the order proposed, so its sequences rise along any log: a gap (a put lost
 * with a deposed leader) is allowed, a replay never is.
 */
final class ReplicaWriter {
    private final long clientId;
    private long sequence;

    ReplicaWriter(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long id;
        do {
            id = random.nextLong();
        } while (id == 0);
        this.clientId = id;
    }

    /**
     * The command for {@code put(key, value)} proposed at {@code nowNanos}, or why the store refuses it.
     * Session expiry runs on these timestamps; replicas share one monotonic clock, real or virtual.
     */
    Command put(String key, String value, long nowNanos) {
        KvCommand.Put put = new KvCommand.Put(clientId, sequence + 1, Math.max(0, nowNanos / 1_000_000),
                Bytes.utf8(key), Bytes.utf8(value));
        Optional<String> refused = KvLimits.check(put);
        if (refused.isPresent()) {
            return new Command(null, refused.get());
        }
        sequence++;
        return new Command(KvCommandCodec.encode(put), null);
    }

    /** An encoded command, or (with null bytes) the reason the store would refuse it. */
    record Command(byte[] bytes, String refusal) {
    }
}
