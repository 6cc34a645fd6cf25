package dev.sluice.store;

import dev.sluice.store.kv.Family;
import dev.sluice.store.kv.RocksStore;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * What recovery may trust, kept in the checkpoint column family (always written with fsync):
 * <ul>
 *   <li>{@code commitlog}: the commit-log offset below which consume queues and indexes are
 *   complete on disk;</li>
 *   <li>{@code deleted-topic/<topic>}: the commit-log end when the topic was deleted; records of
 *   the topic below it must not be dispatched again.</li>
 * </ul>
 * Thread-safe.
 */
final class Checkpoint {

    private static final byte[] COMMIT_LOG = "commitlog".getBytes(StandardCharsets.UTF_8);
    private static final String DELETED_TOPIC = "deleted-topic/";

    private final RocksStore rocks;

    Checkpoint(RocksStore rocks) {
        this.rocks = rocks;
    }

    long dispatchedUpTo() {
        byte[] value = rocks.get(Family.CHECKPOINT, COMMIT_LOG);
        return value == null ? 0 : ByteBuffer.wrap(value).getLong();
    }

    /**
     * Records that everything below {@code offset} is dispatched and on disk. Topic-deletion
     * markers strictly below it are dropped: a record dispatched after a marker means the
     * deletion it marks had finished.
     */
    void write(long offset) {
        Map<String, Long> deleted = deletedTopics();
        rocks.write(batch -> {
            batch.put(rocks.handle(Family.CHECKPOINT), COMMIT_LOG, ByteBuffer.allocate(8).putLong(offset).array());
            for (Map.Entry<String, Long> marker : deleted.entrySet()) {
                if (marker.getValue() < offset) {
                    batch.delete(rocks.handle(Family.CHECKPOINT), deletedKey(marker.getKey()));
                }
            }
        }, true);
    }

    Map<String, Long> deletedTopics() {
        Map<String, Long> deleted = new HashMap<>();
        byte[] prefix = DELETED_TOPIC.getBytes(StandardCharsets.UTF_8);
        rocks.scan(Family.CHECKPOINT, prefix, false, (key, value) -> {
            String topic = new String(key, prefix.length, key.length - prefix.length, StandardCharsets.UTF_8);
            deleted.put(topic, ByteBuffer.wrap(value).getLong());
            return true;
        });
        return deleted;
    }

    void markTopicDeleted(String topic, long commitLogEnd) {
        rocks.put(Family.CHECKPOINT, deletedKey(topic), ByteBuffer.allocate(8).putLong(commitLogEnd).array(), true);
    }

    private static byte[] deletedKey(String topic) {
        return (DELETED_TOPIC + topic).getBytes(StandardCharsets.UTF_8);
    }
}
