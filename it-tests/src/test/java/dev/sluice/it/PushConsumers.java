package dev.sluice.it;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.rocketmq.client.apis.ClientConfiguration;
import org.apache.rocketmq.client.apis.ClientException;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.consumer.FilterExpression;
import org.apache.rocketmq.client.apis.consumer.MessageListener;
import org.apache.rocketmq.client.apis.consumer.PushConsumer;

/**
 * Push consumers that are closed all at once. Closing one waits for its parked long-polling
 * receive to end (up to the server's long-polling timeout), so closing several one after the
 * other would add that wait for each.
 */
final class PushConsumers implements AutoCloseable {

    private final ClientServiceProvider provider = ClientServiceProvider.loadService();
    private final ClientConfiguration configuration;
    private final List<PushConsumer> opened = new ArrayList<>();

    PushConsumers(Clients clients) {
        this.configuration = clients.configuration();
    }

    PushConsumer start(String group, String topic, MessageListener listener) throws ClientException {
        return start(group, topic, listener, false);
    }

    /**
     * @param fifoAccelerator consume the message groups of a FIFO batch in parallel rather than the
     *                        whole batch one by one
     */
    PushConsumer start(String group, String topic, MessageListener listener, boolean fifoAccelerator)
            throws ClientException {
        PushConsumer consumer = provider.newPushConsumerBuilder()
                .setClientConfiguration(configuration)
                .setConsumerGroup(group)
                .setSubscriptionExpressions(Map.of(topic, FilterExpression.SUB_ALL))
                .setMessageListener(listener)
                .setEnableFifoConsumeAccelerator(fifoAccelerator)
                .build();
        synchronized (opened) {
            opened.add(consumer);
        }
        return consumer;
    }

    /** Closes one consumer now, e.g. to stop it taking more messages. */
    void close(PushConsumer consumer) throws IOException {
        synchronized (opened) {
            opened.remove(consumer);
        }
        consumer.close();
    }

    @Override
    public void close() throws IOException {
        List<PushConsumer> closing;
        synchronized (opened) {
            closing = List.copyOf(opened);
            opened.clear();
        }
        List<CompletableFuture<Void>> closed = closing.stream().map(consumer -> CompletableFuture.runAsync(() -> {
            try {
                consumer.close();
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        })).toList();
        try {
            CompletableFuture.allOf(closed.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw e;
        }
    }
}
