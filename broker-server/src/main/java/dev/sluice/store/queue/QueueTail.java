package dev.sluice.store.queue;

import dev.sluice.store.QueueEntry;

import java.nio.ByteBuffer;

/**
 * The newest entries of a consume queue, from {@link #base()} on, kept in memory until they are
 * written to the queue's file in one go. With thousands of queues a batch of appends puts one or
 * two entries in each; writing each such sliver to its file cost a system call (and an inode
 * update) per message.
 *
 * <p>Threading: the writer thread appends; any thread reads entries below the queue's published
 * end (a volatile the writer sets after appending). A tail is never changed once the queue
 * replaced it (grown or written out), so a reader still holding an old one reads right.
 */
final class QueueTail {

    private static final int ENTRY = QueueEntryFormat.ENTRY_BYTES;
    private static final int INITIAL_ENTRIES = 8;
    /** Most of ten thousand queues are idle at any moment: an empty tail holds no buffer of its own. */
    private static final ByteBuffer NO_ENTRIES = ByteBuffer.allocate(0);

    private final long base;
    private final ByteBuffer entries;
    /** Writer thread only. */
    private int count;

    private QueueTail(long base, ByteBuffer entries, int count) {
        this.base = base;
        this.entries = entries;
        this.count = count;
    }

    static QueueTail empty(long base) {
        return new QueueTail(base, NO_ENTRIES, 0);
    }

    /** Queue offset of the first entry. */
    long base() {
        return base;
    }

    /** Writer thread: offset after the last appended entry (published or not). */
    long end() {
        return base + count;
    }

    /** Writer thread: entries held. */
    int count() {
        return count;
    }

    /** Writer thread: this tail if {@code more} entries fit, else a larger copy to use instead. */
    QueueTail withRoomFor(int more) {
        int needed = (count + more) * ENTRY;
        if (needed <= entries.capacity()) {
            return this;
        }
        ByteBuffer larger = ByteBuffer.allocate(Math.max(Math.max(entries.capacity() * 2, INITIAL_ENTRIES * ENTRY),
                needed));
        larger.put(entries.duplicate().position(0).limit(count * ENTRY));
        return new QueueTail(base, larger, count);
    }

    /** Writer thread: appends an entry; size 0 makes it a hole. Room must have been made. */
    void append(long commitLogOffset, int size, int tagHash, long storeTimestamp) {
        QueueEntryFormat.put(entries.duplicate().position(count * ENTRY), commitLogOffset, size, tagHash,
                storeTimestamp);
        count++;
    }

    /** The entry at {@code queueOffset} (at least {@link #base()}, below the published end); null for a hole. */
    QueueEntry get(long queueOffset) {
        return QueueEntryFormat.get(entries.duplicate().position(index(queueOffset)), queueOffset);
    }

    /** Commit-log offset stored in the entry at {@code queueOffset}. */
    long commitLogOffsetAt(long queueOffset) {
        return QueueEntryFormat.commitLogOffset(entries, index(queueOffset));
    }

    /** Writer thread: the bytes of every appended entry, for writing to a file. */
    ByteBuffer bytes() {
        return entries.duplicate().position(0).limit(count * ENTRY);
    }

    private int index(long queueOffset) {
        return Math.toIntExact(queueOffset - base) * ENTRY;
    }
}
