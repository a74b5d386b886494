package io.raftkv.runtime;

import io.raftkv.raft.Entry;
import io.raftkv.raft.EntryType;
import io.raftkv.storage.RaftStorage;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A test state machine: a list of the applied commands (as strings); each command answers its index. */
final class ListStateMachine implements StateMachine {
    private volatile List<String> items = new ArrayList<>();
    private long applied;

    @Override
    public Object apply(Entry entry) {
        if (entry.index() != applied + 1) {
            throw new IllegalStateException("applied " + entry.index() + " after " + applied);
        }
        applied = entry.index();
        if (entry.type() == EntryType.NORMAL) {
            List<String> next = new ArrayList<>(items);
            next.add(new String(entry.data(), StandardCharsets.UTF_8));
            items = next;
        }
        return entry.index();
    }

    List<String> items() {
        return items;
    }

    @Override
    public RaftStorage.SnapshotWriter capture() {
        List<String> copy = items;
        long at = applied;
        return out -> {
            DataOutputStream d = new DataOutputStream(out);
            d.writeLong(at);
            for (String s : copy) {
                d.writeUTF(s);
            }
            d.flush();
        };
    }

    @Override
    public void restore(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        List<String> next = new ArrayList<>();
        long at;
        try {
            at = d.readLong();
        } catch (EOFException e) {
            at = 0; // the empty bootstrap snapshot
        }
        while (true) {
            try {
                next.add(d.readUTF());
            } catch (EOFException e) {
                break;
            }
        }
        items = next;
        applied = at;
    }
}
