package dev.sluice.store.queue;

import dev.sluice.store.QueueEntry;

import java.nio.ByteBuffer;

/**
 * Layout of a consume-queue entry: 24 bytes, big-endian.
 *
 * <pre>
 *   0                         8             12            16                        24
 *  +-------------------------+-------------+-------------+-------------------------+
 *  | commitLogOffset (long)  | size (int)  | tagHash(int)| storeTimestamp (long)   |
 *  +-------------------------+-------------+-------------+-------------------------+
 * </pre>
 *
 * {@code size} is the whole commit-log frame. An all-zero entry (size 0) is a hole: recovery
 * found no record for that offset. Holes are skipped when reading.
 */
final class QueueEntryFormat {

    static final int ENTRY_BYTES = 24;

    private QueueEntryFormat() {
    }

    static void put(ByteBuffer out, long commitLogOffset, int size, int tagHash, long storeTimestamp) {
        out.putLong(commitLogOffset).putInt(size).putInt(tagHash).putLong(storeTimestamp);
    }

    /** The commit-log offset of the entry starting at byte {@code at}. */
    static long commitLogOffset(ByteBuffer in, int at) {
        return in.getLong(at);
    }

    /** Whether the entry starting at byte {@code at} is a hole. */
    static boolean isHole(ByteBuffer in, int at) {
        return in.getInt(at + 8) == 0;
    }

    /** Reads the entry at the buffer's position; null for a hole. */
    static QueueEntry get(ByteBuffer in, long queueOffset) {
        long commitLogOffset = in.getLong();
        int size = in.getInt();
        int tagHash = in.getInt();
        long storeTimestamp = in.getLong();
        return size == 0 ? null : new QueueEntry(queueOffset, commitLogOffset, size, tagHash, storeTimestamp);
    }
}
