package io.raftkv.kv;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/** The TXN and COMPACT parts of {@link KvCommandCodec}'s format (documented there). */
final class TxnCodec {

    private static final int KIND_RANGE = 1;
    private static final int KIND_PUT = 2;
    private static final int KIND_DELETE = 3;
    private static final int KIND_TXN = 4;

    private TxnCodec() {
    }

    static byte[] encode(KvCommand command) {
        Writer w = new Writer();
        w.u8(KvCommandCodec.FORMAT_VERSION);
        w.u8(command instanceof KvCommand.Txn ? KvCommandCodec.OP_TXN : KvCommandCodec.OP_COMPACT);
        w.u64(command.clientId());
        w.varint(command.sequence());
        w.varint(command.timestampMillis());
        if (command instanceof KvCommand.Txn txn) {
            writeTxn(w, txn.request());
        } else {
            w.u64(((KvCommand.Compact) command).revision());
        }
        return w.toByteArray();
    }

    private static void writeTxn(Writer w, TxnRequest txn) {
        w.varint(txn.compares().size());
        for (Compare c : txn.compares()) {
            w.u8(c.target().ordinal());
            w.u8(c.result().ordinal());
            w.bytes(c.range().key());
            w.bytes(c.range().end());
            w.u64(c.number());
            w.bytes(c.value());
        }
        writeOps(w, txn.success());
        writeOps(w, txn.failure());
    }

    private static void writeOps(Writer w, List<TxnOp> ops) {
        w.varint(ops.size());
        for (TxnOp op : ops) {
            if (op instanceof TxnOp.Range r) {
                RangeQuery q = r.query();
                w.u8(KIND_RANGE);
                w.bytes(q.range().key());
                w.bytes(q.range().end());
                w.u64(q.limit());
                w.u64(q.revision());
                w.u8(q.sortOrder().ordinal());
                w.u8(q.sortTarget().ordinal());
                w.u8((q.keysOnly() ? 1 : 0) | (q.countOnly() ? 2 : 0));
                w.u64(q.minModRevision());
                w.u64(q.maxModRevision());
                w.u64(q.minCreateRevision());
                w.u64(q.maxCreateRevision());
            } else if (op instanceof TxnOp.Put p) {
                w.u8(KIND_PUT);
                w.bytes(p.key());
                w.bytes(p.value());
                w.u64(p.lease());
                w.u8((p.prevKv() ? 1 : 0) | (p.ignoreValue() ? 2 : 0) | (p.ignoreLease() ? 4 : 0));
            } else if (op instanceof TxnOp.DeleteRange d) {
                w.u8(KIND_DELETE);
                w.bytes(d.range().key());
                w.bytes(d.range().end());
                w.u8(d.prevKv() ? 1 : 0);
            } else {
                w.u8(KIND_TXN);
                writeTxn(w, ((TxnOp.Txn) op).request());
            }
        }
    }

    static KvCommand decode(int op, long clientId, long sequence, long timestamp, KvCommandCodec.Cursor in)
            throws MalformedCommandException {
        int at = in.position();
        try {
            if (op == KvCommandCodec.OP_COMPACT) {
                return new KvCommand.Compact(clientId, sequence, timestamp, in.u64("compact revision"));
            }
            return new KvCommand.Txn(clientId, sequence, timestamp, readTxn(in, 0));
        } catch (IllegalArgumentException e) {
            throw new MalformedCommandException(e.getMessage(), at);
        }
    }

    private static TxnRequest readTxn(KvCommandCodec.Cursor in, int depth) throws MalformedCommandException {
        if (depth > TxnChecks.MAX_NESTING) {
            throw new MalformedCommandException("transactions nested deeper than " + TxnChecks.MAX_NESTING,
                    in.position());
        }
        int count = count(in, "compare count");
        List<Compare> compares = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Compare.Target target = enumAt(Compare.Target.values(), in, "compare target");
            Compare.Result result = enumAt(Compare.Result.values(), in, "compare result");
            KeyRange range = new KeyRange(in.bytes("compare key"), in.bytes("compare range end"));
            compares.add(new Compare(range, target, result, in.u64("compare number"), in.bytes("compare value")));
        }
        List<TxnOp> success = readOps(in, depth);
        List<TxnOp> failure = readOps(in, depth);
        return new TxnRequest(compares, success, failure);
    }

    private static List<TxnOp> readOps(KvCommandCodec.Cursor in, int depth) throws MalformedCommandException {
        int count = count(in, "op count");
        List<TxnOp> ops = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int kindAt = in.position();
            int kind = in.u8("op kind");
            switch (kind) {
                case KIND_RANGE -> {
                    KeyRange range = new KeyRange(in.bytes("range key"), in.bytes("range end"));
                    long limit = in.u64("limit");
                    long revision = in.u64("revision");
                    RangeQuery.SortOrder order = enumAt(RangeQuery.SortOrder.values(), in, "sort order");
                    RangeQuery.SortTarget target = enumAt(RangeQuery.SortTarget.values(), in, "sort target");
                    int flags = in.u8("range flags");
                    ops.add(new TxnOp.Range(new RangeQuery(range, limit, revision, order, target, (flags & 1) != 0,
                            (flags & 2) != 0, in.u64("min mod revision"), in.u64("max mod revision"),
                            in.u64("min create revision"), in.u64("max create revision"))));
                }
                case KIND_PUT -> {
                    Bytes key = in.bytes("put key");
                    Bytes value = in.bytes("put value");
                    long lease = in.u64("lease");
                    int flags = in.u8("put flags");
                    ops.add(new TxnOp.Put(key, value, lease, (flags & 1) != 0, (flags & 2) != 0, (flags & 4) != 0));
                }
                case KIND_DELETE -> {
                    KeyRange range = new KeyRange(in.bytes("delete key"), in.bytes("delete range end"));
                    ops.add(new TxnOp.DeleteRange(range, (in.u8("delete flags") & 1) != 0));
                }
                case KIND_TXN -> ops.add(new TxnOp.Txn(readTxn(in, depth + 1)));
                default -> throw new MalformedCommandException("unknown txn op kind " + kind, kindAt);
            }
        }
        return ops;
    }

    /** A count that cannot exceed the bytes left (every element takes at least one), so no huge allocation. */
    private static int count(KvCommandCodec.Cursor in, String field) throws MalformedCommandException {
        int at = in.position();
        long n = in.varint(field);
        if (n < 0 || n > in.remaining()) {
            throw new MalformedCommandException(field + " " + Long.toUnsignedString(n) + " exceeds the "
                    + in.remaining() + " bytes left", at);
        }
        return (int) n;
    }

    private static <E extends Enum<E>> E enumAt(E[] values, KvCommandCodec.Cursor in, String field)
            throws MalformedCommandException {
        int at = in.position();
        int i = in.u8(field);
        if (i >= values.length) {
            throw new MalformedCommandException("unknown " + field + " " + i, at);
        }
        return values[i];
    }

    /** A growable big-endian writer. */
    private static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        private final byte[] scratch = new byte[Varint.MAX_BYTES];

        void u8(int v) {
            out.write(v);
        }

        void u64(long v) {
            for (int i = 0; i < Long.BYTES; i++) {
                out.write((int) (v >>> (56 - 8 * i)));
            }
        }

        void varint(long v) {
            out.write(scratch, 0, Varint.put(scratch, 0, v));
        }

        void bytes(Bytes b) {
            varint(b.length());
            out.write(b.array(), 0, b.length());
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }
    }
}
