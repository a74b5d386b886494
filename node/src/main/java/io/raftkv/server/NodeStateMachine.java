package io.raftkv.server;

import io.raftkv.kv.KvSnapshot;
import io.raftkv.kv.KvStateMachine;
import io.raftkv.raft.Entry;
import io.raftkv.raft.EntryType;
import io.raftkv.runtime.StateMachine;
import io.raftkv.storage.RaftStorage;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.BiConsumer;

/**
 * What a node replicates: the key-value store plus the member address book (node ID to gRPC address), which
 * must be replicated too so that every node, and any future leader, can reach members added at run time.
 *
 * <p>An address-book command is a NORMAL entry whose first byte is {@link #ADDRESS_TAG} (the KV codec's first
 * byte is its format version, 1); the KV store sees it as a NOOP so its applied index stays in step. A snapshot
 * is the address book followed by the KV snapshot.
 */
public final class NodeStateMachine implements StateMachine {

    static final byte ADDRESS_TAG = 0x7F;
    private static final int SNAPSHOT_MAGIC = 0x524B564E; // "RKVN"
    private static final int SNAPSHOT_VERSION = 1;
    private static final int MAX_ADDRESS_BYTES = 1024;

    private final KvStateMachine kv;
    private final Map<Long, String> addresses = new ConcurrentSkipListMap<>();
    private final BiConsumer<Long, String> onAddress;

    /** @param onAddress told every address applied or restored (apply thread) */
    public NodeStateMachine(KvStateMachine kv, BiConsumer<Long, String> onAddress) {
        this.kv = kv;
        this.onAddress = onAddress;
    }

    public KvStateMachine kv() {
        return kv;
    }

    /** The replicated address book. Any thread. */
    public Map<Long, String> addresses() {
        return new TreeMap<>(addresses);
    }

    /** The command that records {@code address} for node {@code id}. */
    public static byte[] addressCommand(long id, String address) {
        byte[] a = address.getBytes(StandardCharsets.UTF_8);
        if (a.length == 0 || a.length > MAX_ADDRESS_BYTES) {
            throw new IllegalArgumentException("address must be 1.." + MAX_ADDRESS_BYTES + " bytes");
        }
        return ByteBuffer.allocate(1 + 8 + a.length).put(ADDRESS_TAG).putLong(id).put(a).array();
    }

    @Override
    public Object apply(Entry entry) {
        byte[] d = entry.data();
        if (entry.type() == EntryType.NORMAL && d.length > 9 && d[0] == ADDRESS_TAG) {
            long id = ByteBuffer.wrap(d, 1, 8).getLong();
            String address = new String(d, 9, d.length - 9, StandardCharsets.UTF_8);
            addresses.put(id, address);
            onAddress.accept(id, address);
            kv.apply(Entry.noop(entry.index(), entry.term()));
            return address;
        }
        return kv.apply(entry);
    }

    @Override
    public RaftStorage.SnapshotWriter capture() {
        Map<Long, String> book = new TreeMap<>(addresses);
        KvSnapshot snapshot = kv.capture();
        return out -> {
            DataOutputStream d = new DataOutputStream(out);
            d.writeInt(SNAPSHOT_MAGIC);
            d.writeInt(SNAPSHOT_VERSION);
            d.writeInt(book.size());
            for (Map.Entry<Long, String> e : book.entrySet()) {
                d.writeLong(e.getKey());
                d.writeUTF(e.getValue());
            }
            d.flush();
            snapshot.writeTo(out);
        };
    }

    @Override
    public void restore(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        int magic = d.readInt();
        int version = d.readInt();
        if (magic != SNAPSHOT_MAGIC || version != SNAPSHOT_VERSION) {
            throw new IOException("not a RaftKV node snapshot (magic " + Integer.toHexString(magic) + ", version "
                    + version + ")");
        }
        int n = d.readInt();
        if (n < 0 || n > 100_000) {
            throw new IOException("snapshot address book has a bad size " + n);
        }
        Map<Long, String> book = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            book.put(d.readLong(), d.readUTF());
        }
        kv.restore(in);
        addresses.clear();
        addresses.putAll(book);
        book.forEach(onAddress);
    }
}
