package dev.sluice.broker;

import dev.sluice.store.MessageKind;
import dev.sluice.store.MessageRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Builds messages the way the proxy would hand them to the broker. */
public final class TestMessages {

    private TestMessages() {
    }

    public static MessageRecord normal(String topic, String id, String tag) {
        return new MessageRecord(topic, 0, id, MessageKind.NORMAL, tag, List.of("key-" + id), "", 0,
                System.currentTimeMillis(), "test-host", Map.of("p", id), Map.of(),
                ("body-" + id).getBytes(StandardCharsets.UTF_8));
    }

    public static MessageRecord delayed(String topic, String id, long dueMillis) {
        return new MessageRecord(topic, 0, id, MessageKind.DELAY, "", List.of(), "", dueMillis,
                System.currentTimeMillis(), "test-host", Map.of(), Map.of(),
                ("body-" + id).getBytes(StandardCharsets.UTF_8));
    }

    public static MessageRecord transactional(String topic, String id) {
        return new MessageRecord(topic, 0, id, MessageKind.TRANSACTION, "", List.of(), "", 0,
                System.currentTimeMillis(), "test-host", Map.of(), Map.of(),
                ("body-" + id).getBytes(StandardCharsets.UTF_8));
    }

    public static MessageRecord fifo(String topic, String id, String messageGroup) {
        return new MessageRecord(topic, 0, id, MessageKind.FIFO, "", List.of(), messageGroup, 0,
                System.currentTimeMillis(), "test-host", Map.of(), Map.of(),
                ("body-" + id).getBytes(StandardCharsets.UTF_8));
    }
}
