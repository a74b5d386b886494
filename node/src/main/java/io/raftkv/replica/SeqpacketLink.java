package io.raftkv.replica;

import org.newsclub.net.unix.AFSocketType;
import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXDatagramSocket;
import org.newsclub.net.unix.AFUNIXSelectorProvider;
import org.newsclub.net.unix.AFUNIXSocketAddress;

import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The original simulator's link: a UNIX-domain SOCK_SEQPACKET socket named after the replica's ID in the
 * working directory, on which the simulator listens. One packet is one message, so there is no framing. Non-
 * blocking with a selector, so that one thread both waits for packets and keeps the engine's timers.
 */
final class SeqpacketLink implements PacketLink {
    private final AFUNIXDatagramChannel channel;
    private final Selector selector;
    private final ByteBuffer buffer = ByteBuffer.allocate(65536);

    private SeqpacketLink(AFUNIXDatagramChannel channel, Selector selector) {
        this.channel = channel;
        this.selector = selector;
    }

    static SeqpacketLink connect(Path path) throws IOException {
        AFUNIXDatagramChannel channel = AFUNIXSelectorProvider.provider()
                .openDatagramChannel(AFSocketType.SOCK_SEQPACKET);
        try {
            channel.connect(AFUNIXSocketAddress.of(path));
            return withSelector(channel);
        } catch (IOException e) {
            channel.close();
            throw new IOException("cannot connect to the simulator's socket " + path.toAbsolutePath() + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Adopts the SEQPACKET connection the {@code kvstore} launcher made before starting this JVM and left on
     * standard input (connect first, load later). junixsocket's public {@code FileDescriptorCast} knows stream and
     * datagram sockets only, so its socket constructor for a descriptor of a given type is called reflectively
     * (junixsocket is pinned in the build; a version without it fails here with a clear message, and
     * {@code KVSTORE_CONNECT=jvm} bypasses the launcher's connection).
     */
    static SeqpacketLink adoptStandardInput() throws IOException {
        AFUNIXDatagramSocket socket;
        try {
            Constructor<AFUNIXDatagramSocket> fromDescriptor = AFUNIXDatagramSocket.class
                    .getDeclaredConstructor(FileDescriptor.class, AFSocketType.class);
            fromDescriptor.setAccessible(true);
            socket = fromDescriptor.newInstance(FileDescriptor.in, AFSocketType.SOCK_SEQPACKET);
        } catch (InvocationTargetException e) {
            throw new IOException("cannot adopt the launcher's simulator connection on standard input: "
                    + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IOException("this junixsocket cannot adopt the launcher's simulator connection (" + e
                    + "); run with KVSTORE_CONNECT=jvm", e);
        }
        AFUNIXDatagramChannel channel = socket.getChannel();
        if (!channel.isConnected()) {
            channel.close();
            throw new IOException("standard input is not a connected SEQPACKET socket");
        }
        return withSelector(channel);
    }

    private static SeqpacketLink withSelector(AFUNIXDatagramChannel channel) throws IOException {
        channel.configureBlocking(false);
        Selector selector = AFUNIXSelectorProvider.provider().openSelector();
        channel.register(selector, SelectionKey.OP_READ);
        return new SeqpacketLink(channel, selector);
    }

    @Override
    public void send(byte[] packet) throws IOException {
        // A SEQPACKET send is all or nothing; a full socket buffer (0 written) means the simulator is stalled,
        // and Raft tolerates the loss.
        channel.write(ByteBuffer.wrap(packet));
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
            int n = channel.read(buffer);
            if (n < 0) {
                return false;
            }
            if (n == 0) {
                return true;
            }
            sink.accept(Arrays.copyOf(buffer.array(), n));
        }
    }

    @Override
    public void close() throws IOException {
        selector.close();
        channel.close();
    }
}
