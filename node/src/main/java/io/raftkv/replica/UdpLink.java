package io.raftkv.replica;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The newer simulator's link: UDP on localhost. The replica binds its own port and announces itself with a
 * {@code hello} to the simulator's port, which then routes everything; one datagram is one message.
 */
final class UdpLink implements PacketLink {
    private final DatagramChannel channel;
    private final Selector selector;
    private final InetSocketAddress simulator;
    private final ByteBuffer buffer = ByteBuffer.allocate(65536);

    private UdpLink(DatagramChannel channel, Selector selector, InetSocketAddress simulator) {
        this.channel = channel;
        this.selector = selector;
        this.simulator = simulator;
    }

    static UdpLink open(int simulatorPort, String self) throws IOException {
        DatagramChannel channel = DatagramChannel.open();
        channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        UdpLink link = withSelector(channel, simulatorPort);
        link.send(("{\"src\":\"" + self + "\",\"dst\":\"" + ReplicaIds.UNKNOWN + "\",\"leader\":\""
                + ReplicaIds.UNKNOWN + "\",\"type\":\"hello\"}").getBytes(StandardCharsets.UTF_8));
        return link;
    }

    /**
     * Adopts the UDP socket the {@code kvstore} launcher bound, and announced with the hello, before starting this
     * JVM, left on standard input (connect first, load later).
     */
    static UdpLink adoptStandardInput(int simulatorPort) throws IOException {
        if (!(System.inheritedChannel() instanceof DatagramChannel channel)) {
            throw new IOException("standard input is not the launcher's UDP socket");
        }
        return withSelector(channel, simulatorPort);
    }

    private static UdpLink withSelector(DatagramChannel channel, int simulatorPort) throws IOException {
        channel.configureBlocking(false);
        Selector selector = Selector.open();
        channel.register(selector, SelectionKey.OP_READ);
        return new UdpLink(channel, selector, new InetSocketAddress(InetAddress.getLoopbackAddress(), simulatorPort));
    }

    /** The local port this replica receives on. */
    int localPort() throws IOException {
        return ((InetSocketAddress) channel.getLocalAddress()).getPort();
    }

    @Override
    public void send(byte[] packet) throws IOException {
        channel.send(ByteBuffer.wrap(packet), simulator);
    }

    @Override
    public boolean poll(long timeoutNanos, Consumer<byte[]> sink) throws IOException {
        if (timeoutNanos > 0) {
            selector.select(PacketLink.toMillis(timeoutNanos));
        } else {
            selector.selectNow();
        }
        selector.selectedKeys().clear();
        while (true) {
            buffer.clear();
            if (channel.receive(buffer) == null) {
                return true;
            }
            buffer.flip();
            sink.accept(Arrays.copyOf(buffer.array(), buffer.limit()));
        }
    }

    @Override
    public void close() throws IOException {
        selector.close();
        channel.close();
    }
}
