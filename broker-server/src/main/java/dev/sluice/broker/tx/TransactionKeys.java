package dev.sluice.broker.tx;

import java.nio.ByteBuffer;

/**
 * Layout of the TRANSACTIONS key space, numbers big-endian so key order is numeric order.
 * {@code seq} is the half message's offset in the internal half topic.
 * <ul>
 *   <li>{@code 'R' seq → TransactionRecord}: every transaction not yet forgotten;</li>
 *   <li>{@code 'D' time seq → ∅}: when each needs attention (a check, or forgetting a resolved one);</li>
 *   <li>{@code 'U' seq → ∅}: the unresolved ones, lowest first (retention keeps their half messages);</li>
 *   <li>{@code 'I' → seq}: half messages below this offset have their record.</li>
 * </ul>
 */
final class TransactionKeys {

    static final byte[] DUE_PREFIX = {'D'};
    static final byte[] UNRESOLVED_PREFIX = {'U'};
    static final byte[] INDEXED = {'I'};
    static final byte[] EMPTY = {};

    private TransactionKeys() {
    }

    static byte[] record(long seq) {
        return ByteBuffer.allocate(9).put((byte) 'R').putLong(seq).array();
    }

    static byte[] due(long time, long seq) {
        return ByteBuffer.allocate(17).put((byte) 'D').putLong(time).putLong(seq).array();
    }

    static long timeOfDue(byte[] key) {
        return ByteBuffer.wrap(key, 1, 8).getLong();
    }

    static long seqOfDue(byte[] key) {
        return ByteBuffer.wrap(key, 9, 8).getLong();
    }

    static byte[] unresolved(long seq) {
        return ByteBuffer.allocate(9).put((byte) 'U').putLong(seq).array();
    }

    static long seqOfUnresolved(byte[] key) {
        return ByteBuffer.wrap(key, 1, 8).getLong();
    }
}
