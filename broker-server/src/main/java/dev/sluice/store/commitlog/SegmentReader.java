package dev.sluice.store.commitlog;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Reads one segment front to back in large chunks, for recovery. Not thread-safe.
 */
final class SegmentReader {

    private static final int CHUNK_BYTES = 1 << 20;

    private final Segment segment;
    private ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES);
    private long chunkStart;

    SegmentReader(Segment segment) {
        this.segment = segment;
        chunk.limit(0);
    }

    /**
     * Returns a buffer whose bytes from {@link ByteBuffer#position()} are the segment's bytes
     * from {@code position}, at least {@code length} of them; the caller must have checked that
     * {@code position + length} lies inside the segment.
     */
    ByteBuffer bytesAt(long position, int length) throws IOException {
        if (position < chunkStart || position + length > chunkStart + chunk.limit()) {
            fill(position, length);
        }
        chunk.position((int) (position - chunkStart));
        return chunk;
    }

    private void fill(long position, int length) throws IOException {
        int wanted = (int) Math.min(Math.max(length, CHUNK_BYTES), segment.capacity() - position);
        if (chunk.capacity() < wanted) {
            chunk = ByteBuffer.allocate(wanted);
        }
        chunk.clear().limit(wanted);
        int read = segment.read(chunk, position);
        if (read < length) {
            throw new IOException("segment " + segment.path() + " ended at " + (position + read) + ", expected "
                    + (position + length));
        }
        chunk.limit(read);
        chunkStart = position;
    }
}
