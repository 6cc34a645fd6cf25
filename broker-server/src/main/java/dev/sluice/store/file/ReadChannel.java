package dev.sluice.store.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A read-only channel for positional reads from any thread.
 *
 * <p>A {@link FileChannel} closes for everyone when a thread is interrupted inside a read. Readers
 * are caller threads the store does not control, so reads go through this separate channel
 * (never the writer's), which is reopened when an interrupt closed it. It opens on the first
 * read: a broker with tens of thousands of queues writes many files nobody reads yet, and each
 * open channel is a file descriptor. Thread-safe.
 */
public final class ReadChannel implements AutoCloseable {

    private final Path path;
    private volatile FileChannel channel;
    private volatile boolean closed;

    public ReadChannel(Path path) {
        this.path = path;
    }

    /**
     * Fills {@code dst} from {@code position} on, or until end of file.
     *
     * @return bytes read
     * @throws java.nio.channels.ClosedChannelException once {@link #close()} was called
     */
    public int readFully(ByteBuffer dst, long position) throws IOException {
        int total = 0;
        while (dst.hasRemaining()) {
            int n = readOnce(dst, position + total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    private int readOnce(ByteBuffer dst, long position) throws IOException {
        FileChannel current = channel;
        if (current == null) {
            current = open();
        }
        try {
            return current.read(dst, position);
        } catch (ClosedByInterruptException e) {
            // the interrupt is the caller's business; keep its flag and heal the channel for others
            reopen(current);
            throw e;
        }
    }

    private synchronized FileChannel open() throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        if (channel == null) {
            channel = FileChannel.open(path, StandardOpenOption.READ);
        }
        return channel;
    }

    private synchronized void reopen(FileChannel broken) throws IOException {
        if (!closed && channel == broken) {
            channel = FileChannel.open(path, StandardOpenOption.READ);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        closed = true;
        if (channel != null) {
            channel.close();
        }
    }
}
