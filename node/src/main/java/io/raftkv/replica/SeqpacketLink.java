package io.raftkv.replica;

import org.newsclub.net.unix.AFSocketType;
import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSelectorProvider;
import org.newsclub.net.unix.AFUNIXSocketAddress;

import java.io.IOException;
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
        AFUNIXSelectorProvider provider = AFUNIXSelectorProvider.provider();
        AFUNIXDatagramChannel channel = provider.openDatagramChannel(AFSocketType.SOCK_SEQPACKET);
        try {
            channel.connect(AFUNIXSocketAddress.of(path));
            channel.configureBlocking(false);
            Selector selector = provider.openSelector();
            channel.register(selector, SelectionKey.OP_READ);
            return new SeqpacketLink(channel, selector);
        } catch (IOException e) {
            channel.close();
            throw new IOException("cannot connect to the simulator's socket " + path.toAbsolutePath() + ": "
                    + e.getMessage(), e);
        }
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
