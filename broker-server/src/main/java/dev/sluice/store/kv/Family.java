package dev.sluice.store.kv;

import java.nio.charset.StandardCharsets;

/** The column families of the store's RocksDB instance. */
public enum Family {
    DEFAULT("default"),
    /**
     * generation (int) topicCrc (int) topic 0x00 messageId → commitLogOffset (long), frame size (int);
     * see MessageIndex. A topic's ids arrive in nearly ascending order, so inserts remember where
     * they went per (generation, topicCrc): with many topics written at once, each insert would
     * otherwise search the memtable from its top.
     */
    MESSAGE_ID("message_id"),
    /** generation (int) topicCrc (int) topic 0x00 key 0x00 commitLogOffset (long, big-endian) → frame size (int). */
    MESSAGE_KEY("message_key"),
    CHECKPOINT("checkpoint"),
    TOPICS("topics"),
    GROUPS("groups"),
    CONSUMER_STATE("consumer_state"),
    DELIVERY_HISTORY("delivery_history"),
    REDRIVES("redrives"),
    TIMERS("timers"),
    TRANSACTIONS("transactions");

    private final String columnFamilyName;

    Family(String columnFamilyName) {
        this.columnFamilyName = columnFamilyName;
    }

    byte[] nameBytes() {
        return columnFamilyName.getBytes(StandardCharsets.UTF_8);
    }
}
