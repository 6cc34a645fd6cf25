package dev.sluice.store.queue;

import dev.sluice.store.file.ReadChannel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One consume-queue file holding entries {@code [baseOffset, baseOffset + capacity)}, named by
 * its 20-digit first queue offset. Threading: writes, truncation and deletion on the writer
 * thread; {@link #force} also on the flusher thread; reads from any thread.
 */
final class ConsumeQueueSegment {

    private final Path path;
    private final long baseOffset;
    private final long capacity;
    private final FileChannel writeChannel;
    private final ReadChannel readChannel;
    /** Set after a write, cleared by the flusher before it forces: never loses a needed force. */
    private volatile boolean dirty;
    private volatile boolean deleted;

    private ConsumeQueueSegment(Path path, long baseOffset, long capacity) throws IOException {
        this.path = path;
        this.baseOffset = baseOffset;
        this.capacity = capacity;
        this.writeChannel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        this.readChannel = new ReadChannel(path);
    }

    static ConsumeQueueSegment open(Path dir, long baseOffset, long capacity) throws IOException {
        return new ConsumeQueueSegment(dir.resolve(String.format("%020d", baseOffset)), baseOffset, capacity);
    }

    long baseOffset() {
        return baseOffset;
    }

    long endOffset() {
        return baseOffset + capacity;
    }

    /** Whole entries in the file (a torn last entry does not count). */
    long entryCount() throws IOException {
        return writeChannel.size() / QueueEntryFormat.ENTRY_BYTES;
    }

    void write(ByteBuffer entries, long firstQueueOffset) throws IOException {
        long position = (firstQueueOffset - baseOffset) * QueueEntryFormat.ENTRY_BYTES;
        while (entries.hasRemaining()) {
            position += writeChannel.write(entries, position);
        }
        dirty = true;
    }

    /** Reads entries from {@code queueOffset} into {@code dst}; false if the file was deleted meanwhile. */
    boolean read(ByteBuffer dst, long queueOffset) throws IOException {
        try {
            readChannel.readFully(dst, (queueOffset - baseOffset) * QueueEntryFormat.ENTRY_BYTES);
            return true;
        } catch (ClosedChannelException e) {
            if (deleted) {
                return false;
            }
            throw e;
        }
    }

    /** Drops entries from {@code queueOffset} on. */
    void truncate(long queueOffset) throws IOException {
        writeChannel.truncate((queueOffset - baseOffset) * QueueEntryFormat.ENTRY_BYTES);
        writeChannel.force(true);
    }

    void forceIfDirty() throws IOException {
        if (!dirty) {
            return;
        }
        dirty = false;
        try {
            writeChannel.force(false);
        } catch (ClosedChannelException e) {
            if (!deleted) {
                throw e;
            }
        }
    }

    void close() throws IOException {
        try (readChannel) {
            writeChannel.close();
        }
    }

    void delete() throws IOException {
        deleted = true;
        close();
        Files.deleteIfExists(path);
    }
}
