package io.raftkv.kv;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The MVCC store against the simplest possible model: a full copy of the key space per revision. Random
 * transactions (puts, range deletes, reads, nested transactions, compares of every target), compactions by
 * command and automatically, and snapshot round trips; after each step, reads at random past revisions and
 * ranges must equal the model's copy of that revision, or fail as compacted exactly when the model says so.
 */
class MvccModelTest {

    private static final Bytes[] KEYS = {Log.b("a"), Log.b("ab"), Log.b("b"), Log.b("ba"), Log.b("c"),
            Bytes.copyOf(new byte[] {0}), Bytes.copyOf(new byte[] {(byte) 0xff})};

    static Stream<org.junit.jupiter.params.provider.Arguments> runs() {
        List<org.junit.jupiter.params.provider.Arguments> runs = new ArrayList<>();
        for (long seed = 0; seed < 60; seed++) {
            runs.add(arguments(seed, seed % 2 == 0 ? 0L : 12L));
        }
        return runs.stream();
    }

    /** The model: the state of every revision since 1 (index = revision). */
    private static final class Model {
        final List<TreeMap<Bytes, KeyValue>> states = new ArrayList<>(List.of(new TreeMap<>(), new TreeMap<>()));
        long compacted;
        final long history;

        Model(long history) {
            this.history = history;
        }

        long revision() {
            return states.size() - 1;
        }

        TreeMap<Bytes, KeyValue> current() {
            return states.get(states.size() - 1);
        }

        /** Applies a valid transaction; returns whether its compares held. */
        boolean apply(TxnRequest txn) {
            long rev = revision() + 1;
            TreeMap<Bytes, KeyValue> work = new TreeMap<>(current());
            boolean[] changed = {false};
            boolean ok = run(txn, current(), work, rev, changed);
            if (changed[0]) {
                states.add(work);
            }
            autoCompact();
            return ok;
        }

        private boolean run(TxnRequest txn, TreeMap<Bytes, KeyValue> begin, TreeMap<Bytes, KeyValue> work, long rev,
                            boolean[] changed) {
            boolean ok = txn.compares().stream().allMatch(c -> holds(c, begin));
            for (TxnOp op : ok ? txn.success() : txn.failure()) {
                if (op instanceof TxnOp.Put p) {
                    KeyValue prior = work.get(p.key());
                    work.put(p.key(), new KeyValue(p.key(), p.value(), prior == null ? rev : prior.createRevision(),
                            rev, prior == null ? 1 : prior.version() + 1));
                    changed[0] = true;
                } else if (op instanceof TxnOp.DeleteRange d) {
                    for (Bytes k : new ArrayList<>(work.keySet())) {
                        if (d.range().contains(k.array())) {
                            work.remove(k);
                            changed[0] = true;
                        }
                    }
                } else if (op instanceof TxnOp.Txn t) {
                    run(t.request(), begin, work, rev, changed);
                }
            }
            return ok;
        }

        private static boolean holds(Compare c, TreeMap<Bytes, KeyValue> state) {
            List<KeyValue> kvs = state.values().stream().filter(kv -> c.range().contains(kv.key().array())).toList();
            if (kvs.isEmpty()) {
                return c.target() != Compare.Target.VALUE && c.holdsFor(null);
            }
            return kvs.stream().allMatch(kv -> c.holdsFor(new StoredValue(kv.value().array(), kv.createRevision(),
                    kv.modRevision(), kv.version(), kv.lease())));
        }

        void compact(long rev) {
            compacted = rev;
        }

        private void autoCompact() {
            if (history > 0 && revision() - compacted > history + history / 8) {
                compacted = revision() - history;
            }
        }

        List<KeyValue> read(KeyRange range, long rev) {
            return states.get((int) rev).values().stream().filter(kv -> range.contains(kv.key().array())).toList();
        }
    }

    @ParameterizedTest
    @MethodSource("runs")
    void historyMatchesTheModel(long seed, long history) throws IOException {
        Random random = new Random(seed);
        KvStateMachine sm = new KvStateMachine(Duration.ofHours(1), history);
        Model model = new Model(history);
        Log log = new Log();
        for (int step = 0; step < 300; step++) {
            String context = "seed " + seed + " step " + step;
            if (random.nextInt(25) == 0 && model.revision() > 1) {
                long rev = 1 + random.nextInt((int) model.revision() + 2);
                KvResult r = sm.apply(log.command(new KvCommand.Compact(0, 1, 0, rev)));
                if (rev <= model.compacted) {
                    assertThat(r.code()).as(context).isEqualTo(KvResult.Code.COMPACTED);
                } else if (rev > model.revision()) {
                    assertThat(r.code()).as(context).isEqualTo(KvResult.Code.FUTURE_REVISION);
                } else {
                    assertThat(r.code()).as(context).isEqualTo(KvResult.Code.OK);
                    model.compact(rev);
                }
            } else {
                TxnRequest txn = randomTxn(random, 0);
                KvCommand command = new KvCommand.Txn(0, 1, 0, txn);
                assertThat(decode(KvCommandCodec.encode(command))).as(context).isEqualTo(command);
                KvResult r = sm.apply(log.command(command));
                if (TxnChecks.check(txn).isPresent()) {
                    assertThat(r.code()).as(context).isEqualTo(KvResult.Code.INVALID);
                } else {
                    boolean ok = model.apply(txn);
                    assertThat(r.code()).as(context + " " + r.detail()).isEqualTo(KvResult.Code.OK);
                    assertThat(r.txn().succeeded()).as(context).isEqualTo(ok);
                }
            }
            assertThat(sm.revision()).as(context).isEqualTo(model.revision());
            assertThat(sm.compactRevision()).as(context).isEqualTo(model.compacted);
            assertThat(sm.keyCount()).as(context).isEqualTo(model.current().size());
            for (int i = 0; i < 3; i++) {
                checkRead(sm, model, random, context);
            }
            if (random.nextInt(40) == 0) {
                sm = roundTrip(sm, history);
            }
        }
    }

    private static void checkRead(KvStateMachine sm, Model model, Random random, String context) {
        KeyRange range = randomRange(random);
        long rev = random.nextInt((int) model.revision() + 2);
        RangeQuery q = new RangeQuery(range, 0, rev, RangeQuery.SortOrder.NONE, RangeQuery.SortTarget.KEY, false,
                false, 0, 0, 0, 0);
        if (rev > model.revision()) {
            assertThatThrownBy(() -> sm.range(q)).as(context).isInstanceOf(StoreException.class)
                    .extracting(e -> ((StoreException) e).kind()).isEqualTo(StoreException.Kind.FUTURE_REVISION);
        } else if (rev != 0 && rev < model.compacted) {
            assertThatThrownBy(() -> sm.range(q)).as(context).isInstanceOf(StoreException.class)
                    .extracting(e -> ((StoreException) e).kind()).isEqualTo(StoreException.Kind.COMPACTED);
        } else {
            OpResult.Range r = sm.range(q);
            List<KeyValue> expected = model.read(range, rev == 0 ? model.revision() : rev);
            assertThat(r.kvs()).as(context + " read " + range + " at " + rev).isEqualTo(expected);
            assertThat(r.count()).isEqualTo(expected.size());
            assertThat(r.revision()).isEqualTo(model.revision());
        }
    }

    private static KvCommand decode(byte[] bytes) {
        try {
            return KvCommandCodec.decode(bytes);
        } catch (MalformedCommandException e) {
            throw new AssertionError(e);
        }
    }

    private static KvStateMachine roundTrip(KvStateMachine sm, long history) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        sm.writeSnapshot(out);
        KvStateMachine copy = new KvStateMachine(Duration.ofHours(1), history);
        copy.restore(new ByteArrayInputStream(out.toByteArray()));
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        copy.writeSnapshot(again);
        assertThat(again.toByteArray()).isEqualTo(out.toByteArray());
        return copy;
    }

    private static Bytes key(Random random) {
        return KEYS[random.nextInt(KEYS.length)];
    }

    private static KeyRange randomRange(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> KeyRange.single(key(random));
            case 1 -> KeyRange.prefix(key(random));
            case 2 -> new KeyRange(key(random), Bytes.copyOf(new byte[] {0}));
            default -> new KeyRange(key(random), key(random));
        };
    }

    private static TxnRequest randomTxn(Random random, int depth) {
        List<Compare> compares = new ArrayList<>();
        for (int i = random.nextInt(3); i > 0; i--) {
            Compare.Target target = Compare.Target.values()[random.nextInt(Compare.Target.values().length)];
            Compare.Result result = Compare.Result.values()[random.nextInt(Compare.Result.values().length)];
            compares.add(new Compare(randomRange(random), target, result, random.nextInt(6),
                    Log.b("v" + random.nextInt(3))));
        }
        return new TxnRequest(compares, randomOps(random, depth), randomOps(random, depth));
    }

    private static List<TxnOp> randomOps(Random random, int depth) {
        List<TxnOp> ops = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
            int roll = random.nextInt(10);
            if (roll < 5) {
                ops.add(new TxnOp.Put(key(random), Log.b("v" + random.nextInt(3)), 0, random.nextBoolean(), false,
                        false));
            } else if (roll < 7) {
                ops.add(new TxnOp.DeleteRange(randomRange(random), random.nextBoolean()));
            } else if (roll < 9 || depth > 1) {
                ops.add(new TxnOp.Range(RangeQuery.of(randomRange(random))));
            } else {
                ops.add(new TxnOp.Txn(randomTxn(random, depth + 1)));
            }
        }
        return ops;
    }
}
