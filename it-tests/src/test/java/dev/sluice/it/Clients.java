package dev.sluice.it;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.rocketmq.client.apis.ClientConfiguration;
import org.apache.rocketmq.client.apis.ClientException;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.consumer.FilterExpression;
import org.apache.rocketmq.client.apis.consumer.MessageListener;
import org.apache.rocketmq.client.apis.consumer.PushConsumer;
import org.apache.rocketmq.client.apis.consumer.SimpleConsumer;
import org.apache.rocketmq.client.apis.message.MessageBuilder;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.apache.rocketmq.client.apis.producer.TransactionChecker;

/**
 * Builds official RocketMQ 5 client objects for one endpoint, configured the way the README tells a
 * user to (plain text, no credentials), and closes them all, newest first.
 */
final class Clients implements AutoCloseable {

    /** Per-RPC deadline; generous because the test machine is shared and slow. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    // The 5.2.0 client has no accessor for the status code: it only puts it into the message.
    private static final Pattern RESPONSE_CODE = Pattern.compile("response-code=(\\d+)");

    private final ClientServiceProvider provider = ClientServiceProvider.loadService();
    private final String endpoints;
    private final Deque<Closeable> opened = new ArrayDeque<>();

    Clients(String endpoints) {
        this.endpoints = endpoints;
    }

    ClientConfiguration configuration() {
        return ClientConfiguration.newBuilder()
                .setEndpoints(endpoints)
                .enableSsl(false)
                .setRequestTimeout(REQUEST_TIMEOUT)
                .build();
    }

    /** A producer; topics given here have their routes fetched at start-up. */
    Producer producer(String... topics) throws ClientException {
        return remember(provider.newProducerBuilder()
                .setClientConfiguration(configuration())
                .setTopics(topics)
                .build());
    }

    /** A producer that can send transactional messages and answers the server's checks with {@code checker}. */
    Producer transactionalProducer(TransactionChecker checker, String... topics) throws ClientException {
        return remember(provider.newProducerBuilder()
                .setClientConfiguration(configuration())
                .setTopics(topics)
                .setTransactionChecker(checker)
                .build());
    }

    SimpleConsumer simpleConsumer(String group, String topic, FilterExpression filter, Duration awaitDuration)
            throws ClientException {
        return remember(provider.newSimpleConsumerBuilder()
                .setClientConfiguration(configuration())
                .setConsumerGroup(group)
                .setSubscriptionExpressions(Map.of(topic, filter))
                .setAwaitDuration(awaitDuration)
                .build());
    }

    PushConsumer pushConsumer(String group, String topic, FilterExpression filter, MessageListener listener)
            throws ClientException {
        return remember(provider.newPushConsumerBuilder()
                .setClientConfiguration(configuration())
                .setConsumerGroup(group)
                .setSubscriptionExpressions(Map.of(topic, filter))
                .setMessageListener(listener)
                .build());
    }

    MessageBuilder message(String topic) {
        return provider.newMessageBuilder().setTopic(topic);
    }

    /** The RocketMQ status code the server answered with, if this failure (or a cause) carries one. */
    static OptionalInt responseCode(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                Matcher code = RESPONSE_CODE.matcher(t.getMessage());
                if (code.find()) {
                    return OptionalInt.of(Integer.parseInt(code.group(1)));
                }
            }
        }
        return OptionalInt.empty();
    }

    private <T extends Closeable> T remember(T client) {
        opened.push(client);
        return client;
    }

    /**
     * Closes every client, newest first, each within {@link #CLOSE_TIMEOUT}. rocketmq-client-java
     * 5.2.0 waits without limit for its gRPC channel on close, and a Telemetry stream it re-opens
     * while closing (its reconnect timer still runs) keeps that channel open for ever; a client
     * that does not close in time is left behind with a warning instead of hanging the test.
     */
    @Override
    public void close() throws IOException, InterruptedException {
        IOException failure = null;
        while (!opened.isEmpty()) {
            Closeable client = opened.pop();
            IOException[] closeFailure = new IOException[1];
            Thread closer = new Thread(() -> {
                try {
                    client.close();
                } catch (IOException e) {
                    closeFailure[0] = e;
                }
            }, "it-close-" + client.getClass().getSimpleName());
            closer.setDaemon(true);
            closer.start();
            closer.join(CLOSE_TIMEOUT.toMillis());
            if (closer.isAlive()) {
                System.err.println("WARNING: " + client + " did not close within " + CLOSE_TIMEOUT.toSeconds()
                        + " s; left behind (the client's close can wait for ever on its channel)");
                continue;
            }
            if (closeFailure[0] != null) {
                if (failure == null) {
                    failure = closeFailure[0];
                } else {
                    failure.addSuppressed(closeFailure[0]);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
