package dev.sluice.proxy.grpc;

import dev.sluice.broker.tx.OrphanedTransaction;
import dev.sluice.broker.tx.TransactionChecker;
import dev.sluice.proto.rmq.v2.RecoverOrphanedTransactionCommand;
import dev.sluice.proto.rmq.v2.Resource;
import dev.sluice.proto.rmq.v2.Settings;
import dev.sluice.proto.rmq.v2.TelemetryCommand;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The Telemetry streams of connected producers, through which the broker's transaction checks
 * reach them (protocol §3.5). A check goes to the producer that sent the half message if it is
 * still connected, otherwise to any producer whose Settings publish to the topic. Thread-safe.
 */
final class ProducerStreams implements TransactionChecker {

    private record Producer(TelemetryStream stream, Settings settings) {
    }

    private final Map<String, Producer> producers = new ConcurrentHashMap<>();
    private final MessageConverter converter;

    ProducerStreams(MessageConverter converter) {
        this.converter = converter;
    }

    /** The client's stream now carries these producer Settings. */
    void register(String clientId, TelemetryStream stream, Settings settings) {
        producers.put(clientId, new Producer(stream, settings));
    }

    /** The stream ended; the client stays registered if it already uses another stream. */
    void unregister(String clientId, TelemetryStream stream) {
        producers.computeIfPresent(clientId, (id, p) -> p.stream() == stream ? null : p);
    }

    @Override
    public boolean check(OrphanedTransaction transaction) {
        String topic = transaction.message().record().topic();
        Producer producer = producers.get(transaction.producer());
        if (producer == null) {
            List<Producer> publishers = new ArrayList<>();
            for (Producer p : producers.values()) {
                if (publishes(p.settings(), topic)) {
                    publishers.add(p);
                }
            }
            if (publishers.isEmpty()) {
                return false;
            }
            producer = publishers.get(ThreadLocalRandom.current().nextInt(publishers.size()));
        }
        String namespace = producer.settings().getPublishing().getTopicsCount() > 0
                ? producer.settings().getPublishing().getTopics(0).getResourceNamespace() : "";
        return producer.stream().push(TelemetryCommand.newBuilder()
                .setRecoverOrphanedTransactionCommand(RecoverOrphanedTransactionCommand.newBuilder()
                        .setTransactionId(transaction.transactionId())
                        .setMessage(converter.toMessage(transaction.message(), namespace)))
                .build());
    }

    private static boolean publishes(Settings settings, String topic) {
        for (Resource published : settings.getPublishing().getTopicsList()) {
            if (published.getName().equals(topic)) {
                return true;
            }
        }
        return false;
    }
}
