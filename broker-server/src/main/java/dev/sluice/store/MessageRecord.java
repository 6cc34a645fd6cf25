package dev.sluice.store;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A message as the store keeps it. The store does not interpret any field except
 * {@code topic}, {@code queueId}, {@code messageId}, {@code tag} (hashed into the consume
 * queue) and {@code keys} (indexed); everything else is carried through unchanged.
 *
 * @param deliveryTimestamp epoch millis a scheduled message becomes due, 0 when not scheduled
 * @param systemProperties  broker-owned attributes (attempts, original topic of a DLQ copy, …),
 *                          kept apart from the user's properties so neither can spoof the other
 */
public record MessageRecord(
        String topic,
        int queueId,
        String messageId,
        MessageKind kind,
        String tag,
        List<String> keys,
        String messageGroup,
        long deliveryTimestamp,
        long bornTimestamp,
        String bornHost,
        Map<String, String> userProperties,
        Map<String, String> systemProperties,
        byte[] body) {

    public MessageRecord {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(body, "body");
        tag = tag == null ? "" : tag;
        keys = List.copyOf(keys == null ? List.of() : keys);
        messageGroup = messageGroup == null ? "" : messageGroup;
        bornHost = bornHost == null ? "" : bornHost;
        userProperties = Map.copyOf(userProperties == null ? Map.of() : userProperties);
        systemProperties = Map.copyOf(systemProperties == null ? Map.of() : systemProperties);
    }

    public MessageRecord withQueue(String newTopic, int newQueueId) {
        return new MessageRecord(newTopic, newQueueId, messageId, kind, tag, keys, messageGroup,
                deliveryTimestamp, bornTimestamp, bornHost, userProperties, systemProperties, body);
    }
}
