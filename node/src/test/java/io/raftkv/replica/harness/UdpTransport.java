package io.raftkv.replica.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The newer simulator's transport: one UDP socket on localhost whose port is the replicas' first argument; a
 * replica is connected once its {@code hello} arrived, and is addressed at the port that hello came from.
 */
final class UdpTransport implements SimulatorTransport {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DatagramChannel channel;
    private final Selector selector;
    private final int port;
    private final Set<String> expected = new HashSet<>();
    private final Map<String, SocketAddress> addresses = new HashMap<>();
    private final Map<SocketAddress, String> names = new HashMap<>();
    private final ByteBuffer buffer = ByteBuffer.allocate(65536);

    UdpTransport() throws IOException {
        channel = DatagramChannel.open();
        channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        channel.configureBlocking(false);
        selector = Selector.open();
        channel.register(selector, SelectionKey.OP_READ);
        port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
    }

    @Override
    public void expect(String rid) {
        expected.add(rid);
    }

    @Override
    public List<String> arguments(String rid, List<String> others) {
        List<String> args = new ArrayList<>();
        args.add(Integer.toString(port));
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
        selector.selectedKeys().clear();
        while (true) {
            buffer.clear();
            SocketAddress from = channel.receive(buffer);
            if (from == null) {
                return;
            }
            buffer.flip();
            byte[] packet = Arrays.copyOf(buffer.array(), buffer.limit());
            String rid = names.get(from);
            if (rid == null) {
                hello(from, packet, handler);
            } else {
                handler.packet(rid, packet);
            }
        }
    }

    private void hello(SocketAddress from, byte[] packet, Handler handler) throws IOException {
        JsonNode msg;
        try {
            msg = JSON.readTree(packet);
        } catch (IOException e) {
            return; // not from a replica we know; the real simulator would ignore it too
        }
        String rid = msg.path("src").asText();
        if (msg.path("type").asText().equals("hello") && expected.contains(rid) && !addresses.containsKey(rid)) {
            addresses.put(rid, from);
            names.put(from, rid);
            handler.connected(rid);
        }
    }

    @Override
    public boolean send(String rid, byte[] packet) {
        SocketAddress to = addresses.get(rid);
        if (to == null) {
            return false;
        }
        try {
            channel.send(ByteBuffer.wrap(packet), to);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void drop(String rid) {
        SocketAddress a = addresses.remove(rid);
        if (a != null) {
            names.remove(a);
        }
    }

    @Override
    public void close() throws IOException {
        selector.close();
        channel.close();
    }
}
