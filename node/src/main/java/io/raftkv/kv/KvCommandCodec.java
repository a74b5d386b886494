package io.raftkv.kv;

import java.util.Arrays;

/**
 * The binary form of a {@link KvCommand} inside {@code Entry.data}. Format version 1, big-endian, varints are
 * unsigned LEB128 ({@link Varint}):
 * <pre>
 * u8      format version (1)
 * u8      op: 1 = PUT, 2 = DELETE, 3 = CAS, 4 = TXN, 5 = COMPACT
 * u64     client id
 * varint  sequence (&ge; 1)
 * varint  proposer timestamp, ms since the epoch
 * PUT, DELETE, CAS: varint key length, then the key bytes, and:
 * PUT:    varint value length, value bytes
 * DELETE: nothing more
 * CAS:    u8 condition: 1 = value equals (varint length, bytes), 2 = version equals (varint version; 0 = absent)
 *         then varint new value length, new value bytes
 * TXN:    txn = varint n, n compares; varint n, n success ops; varint n, n failure ops
 *         compare = u8 target (0 VERSION, 1 CREATE, 2 MOD, 3 VALUE, 4 LEASE), u8 result (0 EQUAL, 1 GREATER,
 *                   2 LESS, 3 NOT_EQUAL), bytes key, bytes range end, u64 number, bytes value
 *         op = u8 kind, then 1 RANGE: bytes key, bytes end, u64 limit, u64 revision, u8 sort order, u8 sort
 *                   target, u8 flags (1 keys only, 2 count only), u64 min mod, max mod, min create, max create
 *              2 PUT: bytes key, bytes value, u64 lease, u8 flags (1 prev kv, 2 ignore value, 4 ignore lease)
 *              3 DELETE RANGE: bytes key, bytes end, u8 flags (1 prev kv)
 *              4 TXN: txn
 * COMPACT: u64 revision
 * (bytes = varint length, then the bytes; enums are the ordinals of the kv package's enums, in etcd's order)
 * </pre>
 * Nothing may follow the command. Decoding never trusts a length beyond the bytes actually present, so
 * hostile input cannot make it allocate more than its own size.
 *
 * <p>Compatibility: every replica must decode every entry identically, or their states diverge. A new format
 * version may therefore only be proposed once every member of the cluster runs a build that understands it.
 */
public final class KvCommandCodec {

    public static final int FORMAT_VERSION = 1;

    static final int OP_PUT = 1;
    static final int OP_DELETE = 2;
    static final int OP_CAS = 3;
    static final int OP_TXN = 4;
    static final int OP_COMPACT = 5;
    static final int CONDITION_VALUE = 1;
    static final int CONDITION_VERSION = 2;

    private KvCommandCodec() {
    }

    public static byte[] encode(KvCommand command) {
        if (command instanceof KvCommand.Txn || command instanceof KvCommand.Compact) {
            return TxnCodec.encode(command);
        }
        byte[] key = ((KvCommand.SingleKey) command).key().array();
        int size = 2 + Long.BYTES + Varint.size(command.sequence()) + Varint.size(command.timestampMillis())
                + sizeOfBytes(key);
        int op;
        if (command instanceof KvCommand.Put put) {
            op = OP_PUT;
            size += sizeOfBytes(put.value().array());
        } else if (command instanceof KvCommand.Delete) {
            op = OP_DELETE;
        } else {
            KvCommand.CompareAndSwap cas = (KvCommand.CompareAndSwap) command;
            op = OP_CAS;
            size += 1 + sizeOfCondition(cas.condition()) + sizeOfBytes(cas.newValue().array());
        }
        byte[] out = new byte[size];
        out[0] = FORMAT_VERSION;
        out[1] = (byte) op;
        long id = command.clientId();
        for (int i = 0; i < Long.BYTES; i++) {
            out[2 + i] = (byte) (id >>> (56 - 8 * i));
        }
        int pos = 2 + Long.BYTES;
        pos = Varint.put(out, pos, command.sequence());
        pos = Varint.put(out, pos, command.timestampMillis());
        pos = putBytes(out, pos, key);
        if (command instanceof KvCommand.Put put) {
            pos = putBytes(out, pos, put.value().array());
        } else if (command instanceof KvCommand.CompareAndSwap cas) {
            if (cas.condition() instanceof KvCommand.ValueEquals valueEquals) {
                out[pos++] = CONDITION_VALUE;
                pos = putBytes(out, pos, valueEquals.expected().array());
            } else {
                out[pos++] = CONDITION_VERSION;
                pos = Varint.put(out, pos, ((KvCommand.VersionEquals) cas.condition()).expected());
            }
            pos = putBytes(out, pos, cas.newValue().array());
        }
        assert pos == size : "encoded " + pos + " bytes, computed " + size;
        return out;
    }

    /**
     * Decodes one command. The returned command owns fresh copies of its key and values (it does not keep
     * {@code data}).
     *
     * @throws MalformedCommandException naming the problem and its byte offset
     */
    public static KvCommand decode(byte[] data) throws MalformedCommandException {
        Cursor in = new Cursor(data);
        int version = in.u8("format version");
        if (version != FORMAT_VERSION) {
            throw new MalformedCommandException("unsupported command format version " + version
                    + " (this build understands " + FORMAT_VERSION + ")", 0);
        }
        int op = in.u8("op");
        if (op < OP_PUT || op > OP_COMPACT) {
            throw new MalformedCommandException("unknown op " + op, 1);
        }
        long clientId = in.u64("client id");
        int sequenceAt = in.position;
        long sequence = in.varint("sequence");
        int timestampAt = in.position;
        long timestamp = in.varint("timestamp");
        if (sequence < 1) {
            throw new MalformedCommandException("sequence must be >= 1, got " + Long.toUnsignedString(sequence),
                    sequenceAt);
        }
        if (timestamp < 0) {
            throw new MalformedCommandException("timestamp out of range: " + Long.toUnsignedString(timestamp),
                    timestampAt);
        }
        if (op == OP_TXN || op == OP_COMPACT) {
            KvCommand command = TxnCodec.decode(op, clientId, sequence, timestamp, in);
            in.requireEnd();
            return command;
        }
        Bytes key = in.bytes("key");
        KvCommand command;
        switch (op) {
            case OP_PUT -> command = new KvCommand.Put(clientId, sequence, timestamp, key, in.bytes("value"));
            case OP_DELETE -> command = new KvCommand.Delete(clientId, sequence, timestamp, key);
            case OP_CAS -> {
                int conditionAt = in.position;
                int kind = in.u8("condition");
                KvCommand.Condition condition;
                if (kind == CONDITION_VALUE) {
                    condition = new KvCommand.ValueEquals(in.bytes("expected value"));
                } else if (kind == CONDITION_VERSION) {
                    int versionAt = in.position;
                    long expected = in.varint("expected version");
                    if (expected < 0) {
                        throw new MalformedCommandException("expected version out of range: "
                                + Long.toUnsignedString(expected), versionAt);
                    }
                    condition = new KvCommand.VersionEquals(expected);
                } else {
                    throw new MalformedCommandException("unknown CAS condition " + kind, conditionAt);
                }
                command = new KvCommand.CompareAndSwap(clientId, sequence, timestamp, key, condition,
                        in.bytes("new value"));
            }
            default -> throw new AssertionError("op checked above: " + op);
        }
        in.requireEnd();
        return command;
    }

    private static int sizeOfBytes(byte[] bytes) {
        return Varint.size(bytes.length) + bytes.length;
    }

    private static int sizeOfCondition(KvCommand.Condition condition) {
        if (condition instanceof KvCommand.ValueEquals valueEquals) {
            return sizeOfBytes(valueEquals.expected().array());
        }
        return Varint.size(((KvCommand.VersionEquals) condition).expected());
    }

    private static int putBytes(byte[] out, int pos, byte[] bytes) {
        pos = Varint.put(out, pos, bytes.length);
        System.arraycopy(bytes, 0, out, pos, bytes.length);
        return pos + bytes.length;
    }

    /** Reads fields from a byte array, failing with the field's name and offset. */
    static final class Cursor {
        private final byte[] data;
        private int position;

        int position() {
            return position;
        }

        int remaining() {
            return data.length - position;
        }

        void requireEnd() throws MalformedCommandException {
            if (position != data.length) {
                throw new MalformedCommandException((data.length - position) + " unexpected bytes after the command",
                        position);
            }
        }

        Cursor(byte[] data) {
            this.data = data;
        }

        int u8(String field) throws MalformedCommandException {
            need(1, field);
            return data[position++] & 0xFF;
        }

        long u64(String field) throws MalformedCommandException {
            need(Long.BYTES, field);
            long value = 0;
            for (int i = 0; i < Long.BYTES; i++) {
                value = (value << 8) | (data[position++] & 0xFF);
            }
            return value;
        }

        long varint(String field) throws MalformedCommandException {
            int start = position;
            long value = 0;
            for (int i = 0; i < Varint.MAX_BYTES; i++) {
                if (position >= data.length) {
                    throw new MalformedCommandException("truncated " + field, start);
                }
                byte b = data[position++];
                if (i == Varint.MAX_BYTES - 1 && (b & 0xFE) != 0) {
                    throw new MalformedCommandException(field + " overflows 64 bits", start);
                }
                value |= (long) (b & 0x7F) << (7 * i);
                if (b >= 0) {
                    return value;
                }
            }
            throw new MalformedCommandException(field + " overflows 64 bits", start);
        }

        Bytes bytes(String field) throws MalformedCommandException {
            int start = position;
            long length = varint(field + " length");
            if (length < 0 || length > data.length - position) {
                throw new MalformedCommandException(field + " length " + Long.toUnsignedString(length)
                        + " exceeds the " + (data.length - position) + " bytes left", start);
            }
            int from = position;
            position += (int) length;
            return Bytes.wrap(Arrays.copyOfRange(data, from, position));
        }

        private void need(int count, String field) throws MalformedCommandException {
            if (data.length - position < count) {
                throw new MalformedCommandException("truncated " + field, position);
            }
        }
    }
}
