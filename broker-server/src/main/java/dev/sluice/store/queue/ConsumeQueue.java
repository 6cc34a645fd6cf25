package dev.sluice.store.queue;

import dev.sluice.store.QueueEntry;
import dev.sluice.store.file.FilePool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;

/**
 * The consume queue of one (topic, queueId): fixed-size entries pointing into the commit log,
 * in files of a fixed number of entries under {@code <dataDir>/consumequeue/<topic>/<queueId>/}.
 *
 * <p>The newest entries live in a {@link QueueTail} in memory and go to the file once a page's
 * worth has gathered, or when the store checkpoints ({@link #writeTail}); readers see them either
 * way. Entries that were never written are rebuilt by recovery from the commit log, which it
 * replays from the last checkpoint.
 *
 * <p>Threading: the store's writer thread owns every mutation ({@link #assignOffset},
 * {@link #add}, {@link #publish}, {@link #writeTail}, truncation, retention); it publishes the
 * end through the volatile {@link #nextOffset()}, after the entries are in place, so readers on
 * any thread need no lock. The last file is never deleted: its name and length are what remember
 * the next offset.
 */
public final class ConsumeQueue {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumeQueue.class);
    private static final int ENTRY = QueueEntryFormat.ENTRY_BYTES;
    /** A tail this long is written at once: one page of the file. */
    private static final int WRITE_TAIL_ENTRIES = 4096 / ENTRY;
    private static final int TRUNCATE_SCAN_ENTRIES = 4096;

    private final String topic;
    private final int queueId;
    private final Path dir;
    private final int entriesPerSegment;
    private final FilePool files;
    private final ConcurrentSkipListMap<Long, ConsumeQueueSegment> segments = new ConcurrentSkipListMap<>();
    private volatile long firstOffset;
    private volatile long nextOffset;
    private volatile boolean deleted;
    /** Writer thread only: the next offset to hand out, ahead of {@link #nextOffset} during a batch. */
    private long assignedNext;
    /**
     * Entries from the end of the files on, published up to {@link #nextOffset} and, during a
     * batch, added beyond it. Replaced (never changed) when it grows or is written out.
     */
    private volatile QueueTail tail = QueueTail.empty(0);

    private ConsumeQueue(String topic, int queueId, Path dir, int entriesPerSegment, FilePool files) {
        this.topic = topic;
        this.queueId = queueId;
        this.dir = dir;
        this.entriesPerSegment = entriesPerSegment;
        this.files = files;
    }

    static ConsumeQueue create(String topic, int queueId, Path dir, int entriesPerSegment, FilePool files) {
        return new ConsumeQueue(topic, queueId, dir, entriesPerSegment, files);
    }

    /** Opens the files in {@code dir}; entries pointing below {@code commitLogMinOffset} are already gone. */
    static ConsumeQueue load(String topic, int queueId, Path dir, int entriesPerSegment, FilePool files,
            long commitLogMinOffset) throws IOException {
        ConsumeQueue queue = new ConsumeQueue(topic, queueId, dir, entriesPerSegment, files);
        List<Long> bases;
        try (Stream<Path> names = Files.list(dir)) {
            bases = names.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d{20}"))
                    .map(Long::parseLong).sorted().toList();
        }
        for (int i = 0; i < bases.size(); i++) {
            long base = bases.get(i);
            long capacity = i + 1 < bases.size() ? bases.get(i + 1) - base : entriesPerSegment;
            queue.segments.put(base, ConsumeQueueSegment.open(dir, base, capacity, files));
        }
        if (!queue.segments.isEmpty()) {
            ConsumeQueueSegment last = queue.segments.lastEntry().getValue();
            long lastCount = last.entryCount();
            if (lastCount > entriesPerSegment) {
                // written with a larger segment setting: treat that file as full
                last.close();
                queue.segments.put(last.baseOffset(), ConsumeQueueSegment.open(dir, last.baseOffset(), lastCount, files));
            }
            queue.firstOffset = queue.segments.firstKey();
            queue.nextOffset = last.baseOffset() + lastCount;
            queue.assignedNext = queue.nextOffset;
            queue.tail = QueueTail.empty(queue.nextOffset);
            queue.advanceFirstOffset(commitLogMinOffset);
        }
        return queue;
    }

    public String topic() {
        return topic;
    }

    public int queueId() {
        return queueId;
    }

    public long firstOffset() {
        return firstOffset;
    }

    /** Offset after the last readable entry. */
    public long nextOffset() {
        return nextOffset;
    }

    /** Writer thread: the offset the next {@link #add} must use (or exceed, leaving holes). */
    public long pendingNextOffset() {
        return tail.end();
    }

    /** Writer thread: hands out the next queue offset. */
    public long assignOffset() {
        return assignedNext++;
    }

    /**
     * Writer thread: adds the entry for {@code queueOffset} to the batch. Offsets must arrive in
     * order; a gap (recovery found no record for some offsets) is filled with holes.
     */
    public void add(long queueOffset, long commitLogOffset, int size, int tagHash, long storeTimestamp) {
        long expected = pendingNextOffset();
        if (queueOffset < expected) {
            throw new IllegalStateException(topic + "/" + queueId + ": offset " + queueOffset + " already has an entry");
        }
        if (queueOffset > expected) {
            LOG.error("Consume queue {}/{}: no record for offsets {}..{}, leaving holes", topic, queueId, expected,
                    queueOffset - 1);
        }
        QueueTail current = tail;
        QueueTail roomy = current.withRoomFor(Math.toIntExact(queueOffset - expected + 1));
        if (roomy != current) {
            tail = roomy;
        }
        for (long hole = expected; hole < queueOffset; hole++) {
            roomy.append(0, 0, 0, 0);
        }
        roomy.append(commitLogOffset, size, tagHash, storeTimestamp);
        assignedNext = Math.max(assignedNext, queueOffset + 1);
    }

    /**
     * Writer thread: publishes the batch's entries to readers, writing the tail to the file once
     * it holds a page.
     *
     * @return whether there was anything to publish
     */
    public boolean publish() throws IOException {
        QueueTail current = tail;
        if (current.end() == nextOffset) {
            return false;
        }
        nextOffset = current.end();
        if (current.count() >= WRITE_TAIL_ENTRIES) {
            writeTail();
        }
        return true;
    }

    /** Writer thread, between batches (every entry published): writes the entries held in memory to the files. */
    public void writeTail() throws IOException {
        QueueTail current = tail;
        if (current.count() == 0) {
            return;
        }
        ByteBuffer bytes = current.bytes();
        long offset = current.base();
        while (bytes.hasRemaining()) {
            ConsumeQueueSegment segment = segmentForWrite(offset);
            int count = (int) Math.min(bytes.remaining() / ENTRY, segment.endOffset() - offset);
            segment.write(bytes.slice(bytes.position(), count * ENTRY), offset);
            bytes.position(bytes.position() + count * ENTRY);
            offset += count;
        }
        tail = QueueTail.empty(offset);
    }

    private ConsumeQueueSegment segmentForWrite(long offset) throws IOException {
        Map.Entry<Long, ConsumeQueueSegment> last = segments.lastEntry();
        if (last != null && offset < last.getValue().endOffset()) {
            return last.getValue();
        }
        Files.createDirectories(dir);
        long base = last == null ? offset : last.getValue().endOffset();
        ConsumeQueueSegment segment = ConsumeQueueSegment.open(dir, base, entriesPerSegment, files);
        segments.put(base, segment);
        return segment;
    }

    /** Up to {@code max} entries from {@code fromOffset} (raised to the first offset); holes are skipped. */
    public List<QueueEntry> read(long fromOffset, int max) {
        while (true) {
            long start = Math.max(fromOffset, firstOffset);
            long end = start + Math.min(max, nextOffset - start);
            if (max <= 0 || start >= end) {
                return List.of();
            }
            List<QueueEntry> entries = readRange(start, end);
            if (entries != null) {
                return entries;
            }
            if (deleted) {
                return List.of();
            }
            // retention deleted the file under us and has moved firstOffset: read from there
        }
    }

    /**
     * Reads below an end the caller took from {@link #nextOffset} before this reads the tail.
     *
     * @return null when a file was deleted during the read
     */
    private List<QueueEntry> readRange(long start, long end) {
        List<QueueEntry> entries = new ArrayList<>((int) (end - start));
        QueueTail inMemory = tail;
        long filesEnd = Math.min(end, inMemory.base());
        long offset = start;
        try {
            while (offset < filesEnd) {
                Map.Entry<Long, ConsumeQueueSegment> found = segments.floorEntry(offset);
                if (found == null) {
                    return null;
                }
                ConsumeQueueSegment segment = found.getValue();
                long upTo = Math.min(filesEnd, segment.endOffset());
                ByteBuffer bytes = ByteBuffer.allocate((int) (upTo - offset) * ENTRY);
                if (!segment.read(bytes, offset)) {
                    return null;
                }
                bytes.clear();
                for (long o = offset; o < upTo; o++) {
                    QueueEntry entry = QueueEntryFormat.get(bytes, o);
                    if (entry != null) {
                        entries.add(entry);
                    }
                }
                offset = upTo;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (; offset < end; offset++) {
            QueueEntry entry = inMemory.get(offset);
            if (entry != null) {
                entries.add(entry);
            }
        }
        return entries;
    }

    /** The entry at {@code queueOffset}, or null for a hole or an offset outside the queue. */
    public QueueEntry entryAt(long queueOffset) {
        if (queueOffset < firstOffset || queueOffset >= nextOffset) {
            return null;
        }
        List<QueueEntry> one = read(queueOffset, 1);
        return one.isEmpty() || one.get(0).queueOffset() != queueOffset ? null : one.get(0);
    }

    /**
     * Recovery, writer thread: drops trailing entries that point at or beyond
     * {@code commitLogOffset}, and trailing holes.
     */
    public void truncateFrom(long commitLogOffset) throws IOException {
        writeTail();
        long newNext = keptEnd(commitLogOffset);
        if (newNext == nextOffset) {
            return;
        }
        LOG.info("Consume queue {}/{}: dropping offsets {}..{} past the end of the commit log", topic, queueId,
                newNext, nextOffset - 1);
        truncateTo(newNext);
    }

    /**
     * Offset after the last entry that is no hole and points below {@code commitLogOffset}. A crash
     * can leave a whole checkpoint interval of entries to drop, so it reads back a chunk at a time.
     */
    private long keptEnd(long commitLogOffset) throws IOException {
        long end = nextOffset;
        long floor = segments.isEmpty() ? end : segments.firstKey();
        while (end > floor) {
            Map.Entry<Long, ConsumeQueueSegment> segment = segments.floorEntry(end - 1);
            long chunkStart = Math.max(segment.getKey(), end - TRUNCATE_SCAN_ENTRIES);
            ByteBuffer raw = ByteBuffer.allocate((int) (end - chunkStart) * ENTRY);
            segment.getValue().read(raw, chunkStart);
            for (long offset = end - 1; offset >= chunkStart; offset--) {
                int at = (int) (offset - chunkStart) * ENTRY;
                if (!QueueEntryFormat.isHole(raw, at) && QueueEntryFormat.commitLogOffset(raw, at) < commitLogOffset) {
                    return offset + 1;
                }
            }
            end = chunkStart;
        }
        return end;
    }

    private void truncateTo(long offset) throws IOException {
        for (ConsumeQueueSegment segment : List.copyOf(segments.descendingMap().values())) {
            if (segment.baseOffset() < offset || segment.baseOffset() == segments.firstKey()) {
                segment.truncate(offset);
                break;
            }
            segments.remove(segment.baseOffset());
            segment.delete();
        }
        nextOffset = offset;
        assignedNext = offset;
        tail = QueueTail.empty(offset);
        firstOffset = Math.min(firstOffset, offset);
    }

    /**
     * Retention, writer thread: moves the first offset past entries pointing below
     * {@code commitLogOffset} and deletes files that lie entirely below it (never the last).
     */
    public void advanceFirstOffset(long commitLogOffset) throws IOException {
        long low = firstOffset;
        long high = nextOffset;
        // entries point into the commit log in increasing order, so binary search applies
        while (low < high) {
            long mid = (low + high) >>> 1;
            if (commitLogOffsetAt(mid) < commitLogOffset) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        firstOffset = low;
        Long lastBase = segments.isEmpty() ? null : segments.lastKey();
        for (ConsumeQueueSegment segment : List.copyOf(segments.values())) {
            if (segment.endOffset() > low || segment.baseOffset() == lastBase) {
                break;
            }
            segments.remove(segment.baseOffset());
            segment.delete();
        }
    }

    private long commitLogOffsetAt(long queueOffset) throws IOException {
        QueueTail inMemory = tail;
        if (queueOffset >= inMemory.base()) {
            return inMemory.commitLogOffsetAt(queueOffset);
        }
        ByteBuffer raw = ByteBuffer.allocate(ENTRY);
        segments.floorEntry(queueOffset).getValue().read(raw, queueOffset);
        return QueueEntryFormat.commitLogOffset(raw, 0);
    }

    /** Flusher thread: forces every file written since the last call. */
    public void forceDirty() throws IOException {
        for (ConsumeQueueSegment segment : segments.values()) {
            segment.forceIfDirty();
        }
    }

    void close() throws IOException {
        for (ConsumeQueueSegment segment : segments.values()) {
            segment.close();
        }
    }

    /** Writer thread: deletes every file of this queue; readers then see an empty queue. */
    void delete() throws IOException {
        deleted = true;
        tail = QueueTail.empty(nextOffset);
        for (ConsumeQueueSegment segment : segments.values()) {
            segment.delete();
        }
        segments.clear();
        Files.deleteIfExists(dir);
    }
}
