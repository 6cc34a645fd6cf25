package dev.sluice.store.commitlog;

import dev.sluice.store.file.FilePool;
import dev.sluice.store.file.PooledFile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;

/**
 * One pre-allocated commit-log file, named by the 20-digit commit-log offset of its first byte.
 *
 * <p>Threading: {@link #write}, {@link #truncate} and {@link #delete} run on the writer thread
 * only; {@link #force} may run on the flusher thread too; {@link #read} on any thread, and sees
 * what {@link #writePosition()} publishes.
 */
final class Segment {

    /**
     * Segments are few (one per GiB written) and read all the time: their read channels open on
     * the first read and stay open, however many there are.
     */
    private static final FilePool READERS = new FilePool(Integer.MAX_VALUE);

    private final Path path;
    private final long baseOffset;
    private final long capacity;
    private final FileChannel writeChannel;
    /** Readers never use the writer's channel: an interrupted reader would close it. */
    private final PooledFile readChannel;
    private volatile long writePosition;
    private volatile boolean deleted;

    private Segment(Path path, long baseOffset, long capacity, FileChannel writeChannel) throws IOException {
        this.path = path;
        this.baseOffset = baseOffset;
        this.capacity = capacity;
        this.writeChannel = writeChannel;
        this.readChannel = new PooledFile(path, READERS);
    }

    static Path fileFor(Path dir, long baseOffset) {
        return dir.resolve(String.format("%020d", baseOffset));
    }

    static Segment create(Path dir, long baseOffset, long capacity) throws IOException {
        Path path = fileFor(dir, baseOffset);
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        extendTo(channel, capacity);
        return new Segment(path, baseOffset, capacity, channel);
    }

    /**
     * Opens an existing file. A file shorter than {@code minCapacity} (cut by a crash or by hand)
     * is extended with zeros so its tail reads as "end of log".
     */
    static Segment open(Path path, long baseOffset, long minCapacity) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        long size = channel.size();
        if (size < minCapacity) {
            extendTo(channel, minCapacity);
        }
        Segment segment = new Segment(path, baseOffset, Math.max(size, minCapacity), channel);
        segment.writePosition = segment.capacity;
        return segment;
    }

    private static void extendTo(FileChannel channel, long length) throws IOException {
        // a sparse file: the hole reads as zeros, which is what "not yet written" must look like
        channel.write(ByteBuffer.allocate(1), length - 1);
    }

    long baseOffset() {
        return baseOffset;
    }

    long capacity() {
        return capacity;
    }

    long endOffset() {
        return baseOffset + capacity;
    }

    long writePosition() {
        return writePosition;
    }

    Path path() {
        return path;
    }

    boolean isDeleted() {
        return deleted;
    }

    FileTime lastModified() throws IOException {
        return Files.getLastModifiedTime(path);
    }

    /** Appends all of {@code src} at the write position, then publishes the new position. */
    void write(ByteBuffer src) throws IOException {
        long position = writePosition;
        if (position + src.remaining() > capacity) {
            throw new IOException("write of " + src.remaining() + " bytes past the end of " + path);
        }
        while (src.hasRemaining()) {
            position += writeChannel.write(src, position);
        }
        writePosition = position;
    }

    /** Reads into {@code dst} from a position relative to the segment start. */
    int read(ByteBuffer dst, long position) throws IOException {
        return readChannel.readFully(dst, position);
    }

    void force() throws IOException {
        try {
            writeChannel.force(false);
        } catch (ClosedChannelException e) {
            if (!deleted) {
                throw e;
            }
        }
    }

    /**
     * Cuts everything from {@code position} on and re-extends the file with zeros, so a later
     * scan stops at {@code position} as well. Forced before returning.
     */
    void truncate(long position) throws IOException {
        if (position >= capacity) {
            writePosition = capacity;
            return;
        }
        writeChannel.truncate(position);
        extendTo(writeChannel, capacity);
        writeChannel.force(true);
        writePosition = position;
    }

    /** Called while recovering: the scan found where the valid records end. */
    void setWritePosition(long position) {
        writePosition = position;
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
