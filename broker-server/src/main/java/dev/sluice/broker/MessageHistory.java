package dev.sluice.broker;

import dev.sluice.broker.history.DeliveryEvent;
import java.util.List;

/** A stored message and everything that happened to it in consumer groups, oldest first. */
public record MessageHistory(String topic, String messageId, int queueId, long queueOffset, long storeTimestamp,
                             List<DeliveryEvent> events) {
}
