package io.raftkv.kv;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Drives the state machine with random commands (retries, stale and skipped sequences, expiring sessions,
 * clock skew between leaders, malformed and oversize entries, snapshot round trips) and checks every result
 * and every range against a deliberately naive model: a TreeMap and a HashMap of sessions that expires by
 * scanning everything.
 */
class RandomizedModelTest {

    private static final long TTL_MILLIS = 1_000;
    private static final int STEPS = 400;

    static LongStream seeds() {
        return LongStream.range(0, 250);
    }

    private record ModelKey(Bytes value, long create, long mod, long version) {
    }

    private record ModelSession(long lastSeq, long lastActive, KvResult result) {
    }

    private static final class Model {
        final TreeMap<Bytes, ModelKey> keys = new TreeMap<>();
        final Map<Long, ModelSession> sessions = new HashMap<>();
        long clock;
        long revision = 1; // etcd's: an empty store is at revision 1

        KeyValue kv(Bytes key) {
            ModelKey k = keys.get(key);
            return k == null ? null : new KeyValue(key, k.value, k.create, k.mod, k.version);
        }

        /** Returns the expected result; {@code detail} is not modelled (compare with {@link #same}). */
        KvResult apply(KvCommand command, long index) {
            clock = Math.max(clock, command.timestampMillis());
            sessions.values().removeIf(s -> clock - s.lastActive > TTL_MILLIS);
            if (command.clientId() == 0) {
                return execute(command, index); // no session: etcd's semantics, a retry applies again
            }
            ModelSession session = sessions.get(command.clientId());
            long seq = command.sequence();
            if (session == null && seq != 1) {
                return KvResult.error(KvResult.Code.SESSION_EXPIRED, "", revision);
            }
            if (session != null && seq <= session.lastSeq) {
                sessions.put(command.clientId(), new ModelSession(session.lastSeq, clock, session.result));
                return seq == session.lastSeq ? session.result
                        : KvResult.error(KvResult.Code.STALE_SEQUENCE, "", revision);
            }
            KvResult result = execute(command, index);
            sessions.put(command.clientId(), new ModelSession(seq, clock, result));
            return result;
        }

        private KvResult execute(KvCommand command, long index) {
            if (KvLimits.check(command).isPresent()) {
                return KvResult.error(KvResult.Code.INVALID, "", revision);
            }
            Bytes key = command instanceof KvCommand.Put p ? p.key()
                    : command instanceof KvCommand.Delete d ? d.key() : ((KvCommand.CompareAndSwap) command).key();
            KeyValue prior = kv(key);
            if (command instanceof KvCommand.Put put) {
                return write(key, prior, put.value(), index);
            }
            if (command instanceof KvCommand.Delete) {
                if (prior == null) {
                    return new KvResult(KvResult.Code.NOT_FOUND, "", null, null, revision);
                }
                keys.remove(key);
                revision++;
                return new KvResult(KvResult.Code.OK, "", prior, null, revision);
            }
            KvCommand.CompareAndSwap cas = (KvCommand.CompareAndSwap) command;
            boolean holds = cas.condition() instanceof KvCommand.ValueEquals ve
                    ? prior != null && prior.value().equals(ve.expected())
                    : ((KvCommand.VersionEquals) cas.condition()).expected() == (prior == null ? 0 : prior.version());
            if (!holds) {
                return new KvResult(KvResult.Code.CONDITION_FAILED, "", prior, prior, revision);
            }
            return write(key, prior, cas.newValue(), index);
        }

        private KvResult write(Bytes key, KeyValue prior, Bytes value, long index) {
            long rev = revision + 1;
            keys.put(key, prior == null ? new ModelKey(value, rev, rev, 1)
                    : new ModelKey(value, prior.createRevision(), rev, prior.version() + 1));
            revision = rev;
            return new KvResult(KvResult.Code.OK, "", prior, kv(key), revision);
        }
    }

    private static void assertSame(KvResult actual, KvResult expected, String context) {
        assertThat(new KvResult(actual.code(), "", actual.prior(), actual.current(), actual.revision()))
                .as(context).isEqualTo(new KvResult(expected.code(), "", expected.prior(), expected.current(),
                        expected.revision()));
    }

    private static final Bytes[] KEYS = {
            Bytes.utf8("a"), Bytes.utf8("ab"), Bytes.utf8("abc"), Bytes.utf8("b"), Bytes.utf8("ba"),
            Bytes.copyOf(new byte[]{(byte) 0xff}), Bytes.copyOf(new byte[]{(byte) 0xff, 0}),
            Bytes.copyOf(new byte[]{0}), Bytes.copyOf(new byte[]{(byte) 0x80, 1})};
    private static final Bytes[] PREFIXES = {
            Bytes.EMPTY, Bytes.utf8("a"), Bytes.utf8("ab"), Bytes.utf8("b"), Bytes.copyOf(new byte[]{(byte) 0xff}),
            Bytes.utf8("zz")};

    @ParameterizedTest
    @MethodSource("seeds")
    void matchesTheModel(long seed) throws IOException {
        Random random = new Random(seed);
        KvStateMachine sm = new KvStateMachine(Duration.ofMillis(TTL_MILLIS));
        Model model = new Model();
        Log log = new Log();
        long[] nextSeq = new long[5];
        long leaderClock = 1_000_000;

        for (int step = 0; step < STEPS; step++) {
            leaderClock += random.nextInt(120);
            int client = random.nextInt(nextSeq.length);
            long timestamp = random.nextInt(20) == 0 ? leaderClock - random.nextInt(3_000) : leaderClock;
            int roll = random.nextInt(100);
            long index = log.nextIndex();
            String context = "seed " + seed + " step " + step;
            if (roll < 4) {
                assertThat(sm.apply(log.noop()).code()).isEqualTo(KvResult.Code.NO_COMMAND);
                continue;
            }
            if (roll < 6) {
                byte[] garbage = new byte[1 + random.nextInt(30)];
                random.nextBytes(garbage);
                garbage[0] = 1;
                KvResult result = sm.apply(log.raw(garbage));
                if (result.code() != KvResult.Code.MALFORMED) { // random bytes may decode: replay on the model
                    KvCommand decoded = decodeOrFail(garbage);
                    assertSame(result, model.apply(decoded, index), context + " decodable garbage");
                }
                continue;
            }
            long seq;
            int seqRoll = random.nextInt(100);
            if (seqRoll < 10 && nextSeq[client] > 0) {
                seq = nextSeq[client]; // retry of the last command
            } else if (seqRoll < 14 && nextSeq[client] > 1) {
                seq = 1 + random.nextInt((int) nextSeq[client] - 1); // stale
            } else if (seqRoll < 17) {
                seq = 1; // a late duplicate of the session's first command
            } else {
                seq = nextSeq[client] + 1 + (random.nextInt(10) == 0 ? 1 : 0); // next, sometimes skipping one
                nextSeq[client] = seq;
            }
            KvCommand command = randomCommand(random, client, seq, timestamp, sm);
            KvResult actual = sm.apply(log.command(command));
            KvResult expected = model.apply(command, index);
            assertSame(actual, expected, context + " " + command);
            if (actual.code() == KvResult.Code.SESSION_EXPIRED) {
                nextSeq[client] = 0; // like a real client: start a new session
            }

            if (random.nextInt(10) == 0) {
                checkRange(sm, model, random, context);
            }
            if (random.nextInt(50) == 0) {
                sm = roundTrip(sm);
            }
        }
        checkRange(sm, model, random, "seed " + seed + " end");
        assertThat(sm.revision()).isEqualTo(model.revision);
        assertThat(sm.keyCount()).isEqualTo(model.keys.size());
        assertThat(sm.sessionCount()).isEqualTo(model.sessions.size());
    }

    private static KvCommand decodeOrFail(byte[] data) {
        try {
            return KvCommandCodec.decode(data);
        } catch (MalformedCommandException e) {
            throw new AssertionError("state machine accepted bytes the codec rejects", e);
        }
    }

    private static KvCommand randomCommand(Random random, int client, long seq, long timestamp, KvStateMachine sm) {
        Bytes key = KEYS[random.nextInt(KEYS.length)];
        if (random.nextInt(100) == 0) {
            key = random.nextBoolean() ? Bytes.EMPTY : Bytes.copyOf(new byte[KvLimits.MAX_KEY_BYTES + 1]);
        }
        Bytes value = Bytes.utf8("v" + random.nextInt(4));
        switch (random.nextInt(4)) {
            case 0, 1 -> {
                return new KvCommand.Put(client, seq, timestamp, key, value);
            }
            case 2 -> {
                return new KvCommand.Delete(client, seq, timestamp, key);
            }
            default -> {
                var current = sm.get(key);
                KvCommand.Condition condition;
                if (random.nextBoolean()) {
                    Bytes expected = current.isPresent() && random.nextBoolean() ? current.get().value()
                            : Bytes.utf8("v" + random.nextInt(4));
                    condition = new KvCommand.ValueEquals(expected);
                } else {
                    long expected = current.isPresent() && random.nextBoolean() ? current.get().version()
                            : random.nextInt(3);
                    condition = new KvCommand.VersionEquals(expected);
                }
                return new KvCommand.CompareAndSwap(client, seq, timestamp, key, condition, value);
            }
        }
    }

    private static void checkRange(KvStateMachine sm, Model model, Random random, String context) {
        Bytes prefix = PREFIXES[random.nextInt(PREFIXES.length)];
        int limit = 1 + random.nextInt(4);
        List<KeyValue> paged = new ArrayList<>();
        Bytes after = null;
        do {
            RangeResult page = sm.range(prefix, after, limit);
            assertThat(page.entries().size()).as(context).isLessThanOrEqualTo(limit);
            assertThat(page.revision()).isEqualTo(model.revision);
            paged.addAll(page.entries());
            after = page.continuation();
        } while (after != null);
        List<KeyValue> expected = new ArrayList<>();
        NavigableMap<Bytes, ModelKey> tail = model.keys.tailMap(prefix, true);
        for (Bytes key : tail.keySet()) {
            if (!key.startsWith(prefix)) {
                break;
            }
            expected.add(model.kv(key));
        }
        assertThat(paged).as(context + " range " + prefix).isEqualTo(expected);
    }

    private static KvStateMachine roundTrip(KvStateMachine sm) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        sm.writeSnapshot(out);
        KvStateMachine copy = new KvStateMachine(Duration.ofMillis(TTL_MILLIS));
        copy.restore(new ByteArrayInputStream(out.toByteArray()));
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        copy.writeSnapshot(again);
        assertThat(again.toByteArray()).isEqualTo(out.toByteArray());
        return copy;
    }
}
