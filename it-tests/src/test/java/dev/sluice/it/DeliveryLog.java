package dev.sluice.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.rocketmq.client.apis.consumer.ConsumeResult;
import org.apache.rocketmq.client.apis.consumer.MessageListener;
import org.apache.rocketmq.client.apis.message.MessageView;

/**
 * Every delivery a push consumer's listener saw, in the order the listener saw them, with the
 * result it returned. Shared by listener threads, so every access is synchronized.
 */
final class DeliveryLog {

    /** One call of a listener. */
    record Delivery(String id, int attempt, long atMillis, Optional<String> messageGroup,
                    Map<String, String> properties, boolean succeeded) {

        String property(String key) {
            return properties.get(key);
        }
    }

    private final List<Delivery> deliveries = new ArrayList<>();

    /**
     * A listener that asks {@code decide} for the result and records the delivery with it. A
     * listener that throws is recorded as failed, the way the client treats it.
     */
    MessageListener listener(Function<MessageView, ConsumeResult> decide) {
        return message -> {
            long at = System.currentTimeMillis();
            ConsumeResult result = ConsumeResult.FAILURE;
            try {
                result = decide.apply(message);
                return result;
            } finally {
                record(new Delivery(Messages.id(message), message.getDeliveryAttempt(), at,
                        message.getMessageGroup(), Map.copyOf(message.getProperties()),
                        result == ConsumeResult.SUCCESS));
            }
        };
    }

    synchronized void record(Delivery delivery) {
        deliveries.add(delivery);
    }

    /** Deliveries of one message, oldest first. */
    synchronized List<Delivery> of(String id) {
        return deliveries.stream().filter(d -> d.id().equals(id)).toList();
    }

    /** How many times the listener has seen this message so far. */
    synchronized int seen(String id) {
        return (int) deliveries.stream().filter(d -> d.id().equals(id)).count();
    }

    synchronized List<Delivery> all() {
        return List.copyOf(deliveries);
    }

    synchronized Set<String> succeededIds() {
        return deliveries.stream().filter(Delivery::succeeded).map(Delivery::id).collect(Collectors.toSet());
    }

    synchronized List<Delivery> succeeded() {
        return deliveries.stream().filter(Delivery::succeeded).toList();
    }

    synchronized int size() {
        return deliveries.size();
    }
}
