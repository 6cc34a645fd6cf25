package dev.sluice.broker.timer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Layout of the TIMERS key space. Every number is big-endian so that key order is numeric order.
 * <ul>
 *   <li>{@code 'T' due seq → topic 0x00 messageId}: the timers in the order they fire;</li>
 *   <li>{@code 'P' topic 0x00 due seq → ∅}: the same per topic, for the next due time of a topic;</li>
 *   <li>{@code 'S' seq → due}: the same by position, for the lowest message retention must keep;</li>
 *   <li>{@code 'C' topic → count}: pending timers per topic;</li>
 *   <li>{@code 'I' → seq}: internal positions below this one have their timer written;</li>
 *   <li>{@code 'F' → key}: a batch up to this 'T' key was being delivered when the broker stopped.</li>
 * </ul>
 * {@code seq} is the message's offset in the internal timer queue, unique per scheduled message.
 */
final class TimerKeys {

    static final byte[] TIMER_PREFIX = {'T'};
    static final byte[] TOPIC_PREFIX = {'P'};
    static final byte[] SEQ_PREFIX = {'S'};
    static final byte[] COUNT_PREFIX = {'C'};
    static final byte[] INDEXED = {'I'};
    static final byte[] FIRING = {'F'};
    static final byte[] EMPTY = {};

    private TimerKeys() {
    }

    static byte[] timer(long due, long seq) {
        return ByteBuffer.allocate(17).put((byte) 'T').putLong(due).putLong(seq).array();
    }

    static long due(byte[] timerKey) {
        return ByteBuffer.wrap(timerKey, 1, 8).getLong();
    }

    static long seq(byte[] timerKey) {
        return ByteBuffer.wrap(timerKey, 9, 8).getLong();
    }

    static byte[] timerValue(String topic, String messageId) {
        return (topic + '\0' + messageId).getBytes(StandardCharsets.UTF_8);
    }

    static String topicOf(byte[] timerValue) {
        String s = new String(timerValue, StandardCharsets.UTF_8);
        return s.substring(0, s.indexOf('\0'));
    }

    static String messageIdOf(byte[] timerValue) {
        String s = new String(timerValue, StandardCharsets.UTF_8);
        return s.substring(s.indexOf('\0') + 1);
    }

    static byte[] topicPrefix(String topic) {
        byte[] name = topic.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(name.length + 2).put((byte) 'P').put(name).put((byte) 0).array();
    }

    static byte[] byTopic(String topic, long due, long seq) {
        byte[] prefix = topicPrefix(topic);
        return ByteBuffer.allocate(prefix.length + 16).put(prefix).putLong(due).putLong(seq).array();
    }

    /** The smallest key after {@code key}: the exclusive end of a range that ends with it. */
    static byte[] after(byte[] key) {
        return Arrays.copyOf(key, key.length + 1);
    }

    static long dueOfTopicKey(byte[] key) {
        return ByteBuffer.wrap(key, key.length - 16, 8).getLong();
    }

    static byte[] bySeq(long seq) {
        return ByteBuffer.allocate(9).put((byte) 'S').putLong(seq).array();
    }

    static long seqOfSeqKey(byte[] key) {
        return ByteBuffer.wrap(key, 1, 8).getLong();
    }

    static byte[] count(String topic) {
        byte[] name = topic.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(name.length + 1).put((byte) 'C').put(name).array();
    }

    static String topicOfCount(byte[] key) {
        return new String(key, 1, key.length - 1, StandardCharsets.UTF_8);
    }

    static byte[] longValue(long value) {
        return ByteBuffer.allocate(8).putLong(value).array();
    }

    static long longOf(byte[] value) {
        return ByteBuffer.wrap(value).getLong();
    }
}
