package io.raftkv.replica.harness;

import org.newsclub.net.unix.AFDatagramChannel;
import org.newsclub.net.unix.AFDatagramSocket;
import org.newsclub.net.unix.AFSocketType;
import org.newsclub.net.unix.AFUNIXDatagramSocket;
import org.newsclub.net.unix.AFUNIXSelectorProvider;
import org.newsclub.net.unix.AFUNIXSocketAddress;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The original simulator's transport: it listens on a SOCK_SEQPACKET socket named after each replica in the
 * working directory before launching it; the replica connects. Accepting happens on one small thread per
 * replica (junixsocket accepts SEQPACKET connections blocking); all packets go through one selector.
 */
final class SeqpacketTransport implements SimulatorTransport {
    private record Accepted(String rid, AFDatagramChannel<AFUNIXSocketAddress> channel) {
    }

    private final Path workDir;
    private final Selector selector;
    private final ConcurrentLinkedQueue<Accepted> accepted = new ConcurrentLinkedQueue<>();
    private final Map<String, AFUNIXDatagramSocket> listeners = new HashMap<>();
    private final Map<String, AFDatagramChannel<AFUNIXSocketAddress>> connections = new HashMap<>();
    private final ByteBuffer buffer = ByteBuffer.allocate(65536);

    SeqpacketTransport(Path workDir) throws IOException {
        this.workDir = workDir;
        this.selector = AFUNIXSelectorProvider.provider().openSelector();
    }

    @Override
    public void expect(String rid) throws IOException {
        Path path = workDir.resolve(rid);
        Files.deleteIfExists(path);
        AFUNIXDatagramSocket listener = AFUNIXDatagramSocket.newInstance(AFSocketType.SOCK_SEQPACKET);
        listener.bind(AFUNIXSocketAddress.of(path));
        listener.listen(1);
        listeners.put(rid, listener);
        Thread t = new Thread(() -> {
            try {
                AFDatagramSocket<AFUNIXSocketAddress> c = listener.accept();
                accepted.add(new Accepted(rid, c.getChannel()));
                selector.wakeup();
            } catch (IOException e) {
                // closed at shutdown before the replica connected
            }
        }, "accept-" + rid);
        t.setDaemon(true);
        t.start();
    }

    @Override
    public List<String> arguments(String rid, List<String> others) {
        List<String> args = new ArrayList<>();
        args.add(rid);
        args.addAll(others);
        return args;
    }

    @Override
    public void poll(long timeoutNanos, Handler handler) throws IOException {
        if (timeoutNanos > 0) {
            selector.select(Math.max(1, timeoutNanos / 1_000_000));
        } else {
            selector.selectNow();
        }
        for (Accepted a; (a = accepted.poll()) != null; ) {
            a.channel().configureBlocking(false);
            a.channel().register(selector, SelectionKey.OP_READ, a.rid());
            connections.put(a.rid(), a.channel());
            handler.connected(a.rid());
        }
        for (SelectionKey key : selector.selectedKeys()) {
            readAll((String) key.attachment(), key, handler);
        }
        selector.selectedKeys().clear();
    }

    @SuppressWarnings("unchecked")
    private void readAll(String rid, SelectionKey key, Handler handler) throws IOException {
        AFDatagramChannel<AFUNIXSocketAddress> ch = (AFDatagramChannel<AFUNIXSocketAddress>) key.channel();
        while (key.isValid()) {
            buffer.clear();
            int n;
            try {
                n = ch.read(buffer);
            } catch (IOException e) {
                n = -1;
            }
            if (n < 0) {
                key.cancel();
                handler.closed(rid);
                return;
            }
            if (n == 0) {
                return;
            }
            handler.packet(rid, Arrays.copyOf(buffer.array(), n));
        }
    }

    @Override
    public boolean send(String rid, byte[] packet) {
        AFDatagramChannel<AFUNIXSocketAddress> c = connections.get(rid);
        if (c == null) {
            return false;
        }
        try {
            c.write(ByteBuffer.wrap(packet));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void drop(String rid) {
        AFDatagramChannel<AFUNIXSocketAddress> c = connections.remove(rid);
        if (c != null) {
            try {
                c.close();
            } catch (IOException e) {
                // already gone
            }
        }
    }

    @Override
    public void close() throws IOException {
        for (String rid : new ArrayList<>(connections.keySet())) {
            drop(rid);
        }
        for (AFUNIXDatagramSocket l : listeners.values()) {
            l.close();
        }
        selector.close();
    }
}
