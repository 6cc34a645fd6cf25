package dev.sluice.store.commitlog;

/**
 * Layout of one record in a commit-log segment.
 *
 * <pre>
 *   0                   4                   8
 *  +-------------------+-------------------+---------------------------------+
 *  | length (int, BE)  | crc32c (int, BE)  | payload: length bytes           |
 *  +-------------------+-------------------+---------------------------------+
 * </pre>
 *
 * {@code length} counts payload bytes only and the CRC32C covers exactly the payload (see
 * {@link RecordCodec} for its layout). Segments are pre-allocated with zeros, so a length of 0
 * marks the end of the log. A length of {@link #END_OF_SEGMENT} means the writer rolled to the
 * next segment because the following record did not fit; a record never spans two segments.
 */
public final class RecordFormat {

    public static final int HEADER_BYTES = 8;
    public static final int END_OF_SEGMENT = -1;

    private RecordFormat() {
    }

    public static int frameBytes(int payloadBytes) {
        return HEADER_BYTES + payloadBytes;
    }
}
