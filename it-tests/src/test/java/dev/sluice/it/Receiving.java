package dev.sluice.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.rocketmq.client.apis.ClientException;
import org.apache.rocketmq.client.apis.consumer.SimpleConsumer;
import org.apache.rocketmq.client.apis.message.MessageView;

/** Bounded receive loops over a {@link SimpleConsumer}. */
final class Receiving {

    static final int BATCH = 32;

    private Receiving() {
    }

    /** What a receive loop hands each message to; may ack it. */
    @FunctionalInterface
    interface Handler {
        void handle(MessageView message) throws ClientException;
    }

    /**
     * Receives and hands every message to {@code handler} until {@code done} is true or
     * {@code timeout} has passed; the caller asserts on what it collected.
     */
    static void until(SimpleConsumer consumer, Duration invisible, Duration timeout, BooleanSupplier done,
            Handler handler) throws ClientException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            for (MessageView message : consumer.receive(BATCH, invisible)) {
                handler.handle(message);
            }
        }
    }

    /** Everything received during {@code window} (at least one receive call), unacked. */
    static List<MessageView> during(SimpleConsumer consumer, Duration invisible, Duration window)
            throws ClientException {
        List<MessageView> received = new ArrayList<>();
        long deadline = System.nanoTime() + window.toNanos();
        do {
            received.addAll(consumer.receive(BATCH, invisible));
        } while (System.nanoTime() < deadline);
        return received;
    }
}
