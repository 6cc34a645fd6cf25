package dev.sluice.store.queue;

import dev.sluice.store.file.FilePool;
import dev.sluice.store.file.PooledFile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One consume-queue file holding entries {@code [baseOffset, baseOffset + capacity)}, named by
 * its 20-digit first queue offset, opened through the store's {@link FilePool} so that idle
 * queues hold no file descriptor. Threading: writes, truncation and deletion on the writer
 * thread; {@link #forceIfDirty} also on the flusher thread; reads from any thread.
 */
final class ConsumeQueueSegment {

    private final long baseOffset;
    private final long capacity;
    private final PooledFile file;
    /** Set after a write, cleared by the flusher before it forces: never loses a needed force. */
    private volatile boolean dirty;
    private volatile boolean deleted;

    private ConsumeQueueSegment(PooledFile file, long baseOffset, long capacity) {
        this.file = file;
        this.baseOffset = baseOffset;
        this.capacity = capacity;
    }

    /** The segment's file is created by its first write. */
    static ConsumeQueueSegment open(Path dir, long baseOffset, long capacity, FilePool files) {
        return new ConsumeQueueSegment(new PooledFile(dir.resolve(String.format("%020d", baseOffset)), files),
                baseOffset, capacity);
    }

    long baseOffset() {
        return baseOffset;
    }

    long endOffset() {
        return baseOffset + capacity;
    }

    /** Whole entries in the file (a torn last entry does not count). */
    long entryCount() throws IOException {
        return file.size() / QueueEntryFormat.ENTRY_BYTES;
    }

    void write(ByteBuffer entries, long firstQueueOffset) throws IOException {
        file.writeFully(entries, (firstQueueOffset - baseOffset) * QueueEntryFormat.ENTRY_BYTES);
        dirty = true;
    }

    /** Reads entries from {@code queueOffset} into {@code dst}; false if the file was deleted meanwhile. */
    boolean read(ByteBuffer dst, long queueOffset) throws IOException {
        try {
            file.readFully(dst, (queueOffset - baseOffset) * QueueEntryFormat.ENTRY_BYTES);
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
        file.truncate((queueOffset - baseOffset) * QueueEntryFormat.ENTRY_BYTES);
    }

    void forceIfDirty() throws IOException {
        if (!dirty) {
            return;
        }
        dirty = false;
        try {
            file.force();
        } catch (ClosedChannelException e) {
            if (!deleted) {
                throw e;
            }
        }
    }

    void close() throws IOException {
        file.close();
    }

    void delete() throws IOException {
        deleted = true;
        close();
        Files.deleteIfExists(file.path());
    }
}
