package dev.sluice.store.commitlog;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The segmented commit log under {@code <dataDir>/commitlog}. Offsets are byte positions in
 * one address space; segment {@code n+1} starts where segment {@code n} ends.
 *
 * <p>Threading: one writer thread calls {@link #append}, {@link #writePending}, {@link #recover}
 * and {@link #deleteSegment}; {@link #forceActive} may also run on the flusher thread;
 * {@link #read} and the getters are safe from any thread.
 */
public final class CommitLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CommitLog.class);
    private static final int PENDING_BYTES = 4 << 20;

    private final Path dir;
    private final long segmentBytes;
    private final LongAdder flushes = new LongAdder();
    private final LongAdder flushNanos = new LongAdder();
    private final ConcurrentSkipListMap<Long, Segment> segments = new ConcurrentSkipListMap<>();
    /** Frames of the current batch not yet handed to the file: one write call per batch. */
    private final ByteBuffer pending = ByteBuffer.allocateDirect(PENDING_BYTES);
    private final CRC32C crc = new CRC32C();
    private volatile long writtenEnd;

    private CommitLog(Path dir, long segmentBytes) {
        this.dir = dir;
        this.segmentBytes = segmentBytes;
    }

    /**
     * Opens the segments found in {@code dir} (creating the first one if there is none). Call
     * {@link #recover} before appending.
     */
    public static CommitLog open(Path dir, long segmentBytes) throws IOException {
        if (segmentBytes < 4096 || segmentBytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("segment size must be between 4 KiB and 2 GiB: " + segmentBytes);
        }
        Files.createDirectories(dir);
        CommitLog log = new CommitLog(dir, segmentBytes);
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.getFileName().toString().matches("\\d{20}")).sorted().toList();
        }
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            long base = Long.parseLong(file.getFileName().toString());
            boolean last = i == files.size() - 1;
            log.segments.put(base, Segment.open(file, base, last ? segmentBytes : 0));
        }
        if (log.segments.isEmpty()) {
            log.segments.put(0L, Segment.create(dir, 0, segmentBytes));
        }
        return log;
    }

    /** The largest payload that fits in a fresh segment. */
    public long maxPayloadBytes() {
        return segmentBytes - RecordFormat.HEADER_BYTES;
    }

    /**
     * Scans from the start of the segment holding {@code dispatchFrom}, checking every record's
     * bounds and CRC, and hands records at or after {@code dispatchFrom} to {@code visitor}. At the
     * first invalid or zero-length record it cuts the log: the segment's tail is zeroed and later
     * segments are deleted. Safe to repeat after a crash in the middle.
     *
     * @return the commit-log offset where valid records end
     */
    public long recover(long dispatchFrom, RecordVisitor visitor) throws IOException {
        Map.Entry<Long, Segment> start = segments.floorEntry(dispatchFrom);
        Segment segment = start != null ? start.getValue() : segments.firstEntry().getValue();
        while (true) {
            long end = scan(segment, dispatchFrom, visitor);
            Map.Entry<Long, Segment> next = segments.higherEntry(segment.baseOffset());
            if (end < segment.capacity() || next == null) {
                cutAfter(segment, end);
                writtenEnd = segment.baseOffset() + end;
                return writtenEnd;
            }
            segment.setWritePosition(segment.capacity());
            segment = next.getValue();
        }
    }

    /** @return where the valid records of {@code segment} end (its capacity if it was rolled) */
    private long scan(Segment segment, long dispatchFrom, RecordVisitor visitor) throws IOException {
        SegmentReader reader = new SegmentReader(segment);
        long position = 0;
        while (position + RecordFormat.HEADER_BYTES <= segment.capacity()) {
            ByteBuffer header = reader.bytesAt(position, RecordFormat.HEADER_BYTES);
            int length = header.getInt();
            int expectedCrc = header.getInt();
            if (length == RecordFormat.END_OF_SEGMENT) {
                return segment.capacity();
            }
            if (length <= 0 || length > segment.capacity() - position - RecordFormat.HEADER_BYTES) {
                if (length != 0) {
                    LOG.warn("Commit log {}: invalid record length {} at {}", segment.path(), length, position);
                }
                return position;
            }
            ByteBuffer payload = reader.bytesAt(position + RecordFormat.HEADER_BYTES, length);
            if (!crcMatches(payload, length, expectedCrc)) {
                LOG.warn("Commit log {}: CRC mismatch at {}", segment.path(), position);
                return position;
            }
            long offset = segment.baseOffset() + position;
            // records before dispatchFrom were decoded when first dispatched; the CRC shows the bytes are the same
            if (offset >= dispatchFrom) {
                DecodedRecord record = decode(payload, length, segment, position);
                if (record == null) {
                    return position;
                }
                visitor.visit(offset, RecordFormat.frameBytes(length), record);
            }
            position += RecordFormat.frameBytes(length);
        }
        return segment.capacity();
    }

    private boolean crcMatches(ByteBuffer payload, int length, int expectedCrc) {
        crc.reset();
        crc.update(payload.array(), payload.arrayOffset() + payload.position(), length);
        return (int) crc.getValue() == expectedCrc;
    }

    private static DecodedRecord decode(ByteBuffer payload, int length, Segment segment, long position) {
        try {
            return RecordCodec.decode(payload.array(), payload.arrayOffset() + payload.position(), length);
        } catch (CorruptRecordException e) {
            LOG.warn("Commit log {}: undecodable record at {}: {}", segment.path(), position, e.getMessage());
            return null;
        }
    }

    private void cutAfter(Segment segment, long end) throws IOException {
        if (end < segment.capacity()) {
            LOG.info("Commit log ends at {} in {}", segment.baseOffset() + end, segment.path());
        }
        segment.truncate(end);
        for (Segment later : List.copyOf(segments.tailMap(segment.baseOffset(), false).values())) {
            LOG.warn("Commit log: deleting {} after the end of the valid records", later.path());
            segments.remove(later.baseOffset());
            later.delete();
        }
    }

    /**
     * Frames {@code payload} into the pending batch, after stamping the writer-assigned positions
     * into it. Rolls to a new segment when the frame does not fit.
     *
     * @return the record's commit-log offset
     */
    public long append(byte[] payload, long queueOffset, long storeTimestamp) throws IOException {
        int frame = RecordFormat.frameBytes(payload.length);
        if (payload.length > maxPayloadBytes()) {
            throw new IllegalArgumentException("payload of " + payload.length + " bytes exceeds a segment");
        }
        Segment active = segments.lastEntry().getValue();
        if (active.writePosition() + pending.position() + frame > active.capacity()) {
            roll(active);
            active = segments.lastEntry().getValue();
        }
        if (frame > pending.remaining()) {
            writePending();
        }
        long offset = active.baseOffset() + active.writePosition() + pending.position();
        RecordCodec.stamp(payload, queueOffset, storeTimestamp);
        crc.reset();
        crc.update(payload, 0, payload.length);
        if (frame <= pending.remaining()) {
            pending.putInt(payload.length).putInt((int) crc.getValue()).put(payload);
        } else {
            ByteBuffer large = ByteBuffer.allocate(frame);
            large.putInt(payload.length).putInt((int) crc.getValue()).put(payload).flip();
            active.write(large);
            writtenEnd = offset + frame;
        }
        return offset;
    }

    /** Writes the pending frames to the active segment (page cache; not forced). */
    public void writePending() throws IOException {
        if (pending.position() == 0) {
            return;
        }
        Segment active = segments.lastEntry().getValue();
        pending.flip();
        try {
            active.write(pending);
        } finally {
            pending.clear();
        }
        writtenEnd = active.baseOffset() + active.writePosition();
    }

    private void roll(Segment active) throws IOException {
        if (active.writePosition() + pending.position() + Integer.BYTES <= active.capacity()) {
            pending.putInt(RecordFormat.END_OF_SEGMENT);
        }
        writePending();
        // forced now so a later segment never survives a power loss that an earlier one did not
        active.force();
        Segment next = Segment.create(dir, active.endOffset(), segmentBytes);
        segments.put(next.baseOffset(), next);
        writtenEnd = next.baseOffset();
    }

    /** Forces the active segment; earlier segments were forced when the writer rolled. */
    public void forceActive() throws IOException {
        long start = System.nanoTime();
        segments.lastEntry().getValue().force();
        flushes.increment();
        flushNanos.add(System.nanoTime() - start);
    }

    /** Forces of the active segment so far, for the flush-latency metric. */
    public long flushes() {
        return flushes.sum();
    }

    /** Time spent in those forces, in nanoseconds. */
    public long flushNanos() {
        return flushNanos.sum();
    }

    /** End of the bytes handed to the file system, published after each write. */
    public long writtenEnd() {
        return writtenEnd;
    }

    public long minOffset() {
        return segments.firstKey();
    }

    public int segmentCount() {
        return segments.size();
    }

    /**
     * Reads and checks the record of {@code frameBytes} at {@code offset}.
     *
     * @return empty when the bytes are not (or no longer) in the log
     * @throws CorruptRecordException when the bytes are there but are not a valid record
     */
    public Optional<DecodedRecord> read(long offset, int frameBytes) throws CorruptRecordException {
        Map.Entry<Long, Segment> entry = segments.floorEntry(offset);
        if (entry == null || frameBytes < RecordFormat.HEADER_BYTES) {
            return Optional.empty();
        }
        Segment segment = entry.getValue();
        long position = offset - segment.baseOffset();
        if (position + frameBytes > segment.writePosition()) {
            return Optional.empty();
        }
        ByteBuffer frame = ByteBuffer.allocate(frameBytes);
        try {
            if (segment.read(frame, position) < frameBytes) {
                return Optional.empty();
            }
        } catch (ClosedChannelException e) {
            if (segment.isDeleted()) {
                return Optional.empty();
            }
            throw new UncheckedIOException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        frame.flip();
        int length = frame.getInt();
        int expectedCrc = frame.getInt();
        if (length != frameBytes - RecordFormat.HEADER_BYTES) {
            throw new CorruptRecordException("record at " + offset + " has length " + length + ", expected "
                    + (frameBytes - RecordFormat.HEADER_BYTES));
        }
        CRC32C check = new CRC32C();
        check.update(frame.array(), RecordFormat.HEADER_BYTES, length);
        if ((int) check.getValue() != expectedCrc) {
            throw new CorruptRecordException("CRC mismatch for the record at " + offset);
        }
        return Optional.of(RecordCodec.decode(frame.array(), RecordFormat.HEADER_BYTES, length));
    }

    /** Segments other than the active one, oldest first. */
    public List<SealedSegment> sealedSegments() throws IOException {
        List<SealedSegment> sealed = new ArrayList<>();
        Long activeBase = segments.lastKey();
        for (Segment segment : segments.headMap(activeBase, false).values()) {
            sealed.add(new SealedSegment(segment.baseOffset(), segment.endOffset(), segment.lastModified()));
        }
        return sealed;
    }

    /** Deletes a sealed segment; the active one is never deleted. */
    public void deleteSegment(long baseOffset) throws IOException {
        if (baseOffset == segments.lastKey()) {
            throw new IllegalArgumentException("the active segment cannot be deleted");
        }
        Segment segment = segments.remove(baseOffset);
        if (segment != null) {
            segment.delete();
        }
    }

    @Override
    public void close() throws IOException {
        IOException failure = null;
        for (Segment segment : segments.values()) {
            try {
                segment.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
