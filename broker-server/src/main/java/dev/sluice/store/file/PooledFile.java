package dev.sluice.store.file;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file read and written by position from any thread through one channel that its
 * {@link FilePool} opens on use and may close while nobody uses it. Created on the first use.
 *
 * <p>A {@link FileChannel} closes for every user when a thread is interrupted inside an
 * operation. Readers are caller threads the store does not control, so the interrupted caller
 * gets its {@link ClosedByInterruptException}, the channel is reopened, and the other users
 * caught in the close repeat their operation (every operation is by position, so repeating it is
 * harmless).
 */
public final class PooledFile implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PooledFile.class);
    private static final int ATTEMPTS = 3;

    private final Path path;
    private final FilePool pool;
    /** Guarded by this, as are the fields below. Null while closed by the pool. */
    private FileChannel channel;
    private int users;
    private boolean usedSinceExamined;
    private boolean closed;

    public PooledFile(Path path, FilePool pool) {
        this.path = path;
        this.pool = pool;
    }

    public Path path() {
        return path;
    }

    /**
     * Fills {@code dst} from {@code position} on, or until end of file.
     *
     * @return bytes read
     * @throws ClosedChannelException once {@link #close()} was called
     */
    public int readFully(ByteBuffer dst, long position) throws IOException {
        int start = dst.position();
        return run(channel -> {
            while (dst.hasRemaining()) {
                if (channel.read(dst, position + dst.position() - start) < 0) {
                    break;
                }
            }
            return dst.position() - start;
        });
    }

    /** Writes all of {@code src} at {@code position}. */
    public void writeFully(ByteBuffer src, long position) throws IOException {
        int start = src.position();
        run(channel -> {
            while (src.hasRemaining()) {
                channel.write(src, position + src.position() - start);
            }
            return null;
        });
    }

    public long size() throws IOException {
        return run(FileChannel::size);
    }

    /** Cuts the file to {@code size} bytes and forces the cut to disk. */
    public void truncate(long size) throws IOException {
        run(channel -> {
            channel.truncate(size).force(true);
            return null;
        });
    }

    /** Forces written data to disk (a channel opened after the write forces it as well). */
    public void force() throws IOException {
        run(channel -> {
            channel.force(false);
            return null;
        });
    }

    @Override
    public synchronized void close() throws IOException {
        closed = true;
        if (channel != null) {
            FileChannel open = channel;
            channel = null;
            pool.closed(this);
            open.close();
        }
    }

    private interface Operation<T> {
        T apply(FileChannel channel) throws IOException;
    }

    private <T> T run(Operation<T> operation) throws IOException {
        for (int attempt = 1; ; attempt++) {
            FileChannel current = acquire();
            try {
                return operation.apply(current);
            } catch (ClosedByInterruptException e) {
                // the interrupt is the caller's business; heal the channel for the others
                discard(current);
                throw e;
            } catch (AsynchronousCloseException e) {
                // another user's interrupt closed the channel during this operation
                discard(current);
                if (attempt == ATTEMPTS) {
                    throw e;
                }
            } finally {
                release();
            }
        }
    }

    private FileChannel acquire() throws IOException {
        FileChannel current;
        boolean openedNow = false;
        synchronized (this) {
            if (closed) {
                throw new ClosedChannelException();
            }
            if (channel == null) {
                channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
                pool.opened(this);
                openedNow = true;
            }
            users++;
            usedSinceExamined = true;
            current = channel;
        }
        if (openedNow) {
            pool.trim();
        }
        return current;
    }

    /** Whether the channel is open now. */
    synchronized boolean isOpen() {
        return channel != null;
    }

    private synchronized void release() {
        users--;
    }

    private synchronized void discard(FileChannel broken) {
        if (channel == broken) {
            channel = null;
            pool.closed(this);
        }
    }

    /** The pool's clock hand: closes the channel if nobody uses it and nobody did since the last look. */
    synchronized void closeIfIdle() {
        if (channel == null) {
            return;
        }
        if (users > 0 || usedSinceExamined) {
            usedSinceExamined = false;
            pool.spared(this);
            return;
        }
        FileChannel open = channel;
        channel = null;
        pool.closed(this);
        try {
            open.close();
        } catch (IOException e) {
            // nothing is lost: written data stays in the page cache, and a later force reopens the file
            LOG.warn("Closing idle file {} failed", path, e);
        }
    }
}
