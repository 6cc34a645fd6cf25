package dev.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.rocketmq.client.apis.ClientException;
import org.apache.rocketmq.client.apis.consumer.FilterExpression;
import org.apache.rocketmq.client.apis.consumer.SimpleConsumer;
import org.apache.rocketmq.client.apis.message.MessageView;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code kill -9} of a server running with {@code --flush-policy SYNC}: every send that returned OK
 * is there after a restart on the same data directory, no body is corrupted, acked messages stay
 * acked and unacked ones are delivered again.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CrashRecoveryIT {

    private static final String TOPIC = "ledger";
    private static final String GROUP = "ledger-readers";
    private static final String SHA_PROPERTY = "body-sha256";
    private static final int SENDER_THREADS = 4;
    private static final int CONFIRMED_BEFORE_KILL = 1_500;
    private static final Duration INVISIBLE = Duration.ofSeconds(15);

    @RegisterExtension
    final SluiceExtension sluice = new SluiceExtension();

    @Test
    void everySendThatReturnedOkSurvivesKill9MidSend() throws Exception {
        SluiceProcess server = startWithTopic(4);
        Map<String, String> confirmed = new ConcurrentHashMap<>();
        AtomicInteger failedSends = new AtomicInteger();
        AtomicBoolean stopSending = new AtomicBoolean();

        Clients producerClients = new Clients(server.grpcEndpoint());
        Producer producer = producerClients.producer(TOPIC);
        ExecutorService senders = Executors.newFixedThreadPool(SENDER_THREADS);
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < SENDER_THREADS; t++) {
            Random random = new Random(t);
            running.add(senders.submit(() -> {
                while (!stopSending.get()) {
                    byte[] body = new byte[64 + random.nextInt(4_000)];
                    random.nextBytes(body);
                    String sha = Messages.sha256(body);
                    try {
                        String id = producer.send(producerClients.message(TOPIC).setBody(body)
                                .addProperty(SHA_PROPERTY, sha).build()).getMessageId().toString();
                        confirmed.put(id, sha);
                    } catch (ClientException e) {
                        // expected once the server is dead; such a message may or may not be stored
                        failedSends.incrementAndGet();
                        Thread.sleep(20);
                    }
                }
                return null;
            }));
        }
        try {
            await("sends confirmed before the kill").atMost(Duration.ofSeconds(90))
                    .until(() -> confirmed.size() >= CONFIRMED_BEFORE_KILL);
            server.kill9();
            await("sends failing against the dead server").atMost(Duration.ofSeconds(60))
                    .until(() -> failedSends.get() >= SENDER_THREADS);
            stopSending.set(true);
            for (Future<?> sender : running) {
                sender.get(60, TimeUnit.SECONDS);
            }
            server.restart();
        } finally {
            stopSending.set(true);
            senders.shutdownNow();
            // after the restart, so the producer's goodbye call reaches a live server
            producerClients.close();
        }

        Map<String, String> expected = Map.copyOf(confirmed);
        Set<String> received = new HashSet<>();
        List<String> corrupted = new ArrayList<>();
        int[] duplicates = {0};
        try (Clients clients = new Clients(server.grpcEndpoint())) {
            SimpleConsumer consumer = clients.simpleConsumer(GROUP, TOPIC, FilterExpression.SUB_ALL, Duration.ofSeconds(2));
            List<CompletableFuture<Void>> acks = new ArrayList<>();
            Receiving.until(consumer, Duration.ofSeconds(60), Duration.ofSeconds(90),
                    () -> received.containsAll(expected.keySet()),
                    message -> {
                        String id = Messages.id(message);
                        if (!received.add(id)) {
                            duplicates[0]++;
                        }
                        String actualSha = Messages.sha256(Messages.body(message));
                        String carriedSha = message.getProperties().get(SHA_PROPERTY);
                        if (!actualSha.equals(carriedSha)
                                || (expected.containsKey(id) && !expected.get(id).equals(actualSha))) {
                            corrupted.add(id);
                        }
                        acks.add(consumer.ackAsync(message));
                    });
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        }

        Set<String> lost = new HashSet<>(expected.keySet());
        lost.removeAll(received);
        System.out.printf("crash test: %d sends confirmed, %d failed, %d received after restart "
                        + "(%d unconfirmed extra, %d duplicates)%n", expected.size(), failedSends.get(),
                received.size(), received.size() - (expected.size() - lost.size()), duplicates[0]);
        assertThat(lost).as("ids whose send returned OK but that were not received after kill -9 and restart")
                .isEmpty();
        assertThat(corrupted).as("messages whose body does not match the SHA-256 sent with it").isEmpty();
    }

    @Test
    void ackedMessagesStayAckedAndUnackedOnesComeBackAfterKill9() throws Exception {
        SluiceProcess server = startWithTopic(2);
        Set<String> acked = new HashSet<>();
        Set<String> inFlight = new HashSet<>();
        Set<String> neverDelivered = new HashSet<>();

        // closed only after the restart, so their goodbye calls reach a live server
        Clients beforeCrash = new Clients(server.grpcEndpoint());
        try {
            Clients clients = beforeCrash;
            Producer producer = clients.producer(TOPIC);
            SimpleConsumer consumer = clients.simpleConsumer(GROUP, TOPIC, FilterExpression.SUB_ALL, Duration.ofSeconds(2));
            Set<String> sent = sendSync(clients, producer, 60);

            List<MessageView> delivered = new ArrayList<>();
            Receiving.until(consumer, INVISIBLE, Duration.ofSeconds(30), () -> delivered.size() >= sent.size(),
                    delivered::add);
            assertThat(Messages.ids(delivered)).containsExactlyInAnyOrderElementsOf(sent);
            for (int i = 0; i < delivered.size(); i++) {
                MessageView message = delivered.get(i);
                if (i % 2 == 0) {
                    consumer.ack(message);
                    acked.add(Messages.id(message));
                } else {
                    inFlight.add(Messages.id(message));
                }
            }
            neverDelivered.addAll(sendSync(clients, producer, 20));
            server.kill9();
            server.restart();
        } finally {
            beforeCrash.close();
        }

        Set<String> expected = new HashSet<>(inFlight);
        expected.addAll(neverDelivered);
        Map<String, Integer> attempts = new HashMap<>();
        List<String> duplicates = new ArrayList<>();
        List<MessageView> afterwards;
        try (Clients clients = new Clients(server.grpcEndpoint())) {
            SimpleConsumer consumer = clients.simpleConsumer(GROUP, TOPIC, FilterExpression.SUB_ALL, Duration.ofSeconds(2));
            Receiving.until(consumer, Duration.ofSeconds(60), INVISIBLE.plusSeconds(45),
                    () -> attempts.keySet().containsAll(expected),
                    message -> {
                        if (attempts.put(Messages.id(message), message.getDeliveryAttempt()) != null) {
                            duplicates.add(Messages.id(message));
                        }
                        consumer.ack(message);
                    });
            afterwards = Receiving.during(consumer, Duration.ofSeconds(60), Duration.ofSeconds(3));
        }

        assertThat(attempts.keySet()).as("delivered after restart: the unacked and the never delivered, no acked one")
                .containsExactlyInAnyOrderElementsOf(expected);
        assertThat(duplicates).as("delivered twice after restart although acked").isEmpty();
        assertThat(afterwards).as("deliveries after everything was acked").isEmpty();
        inFlight.forEach(id -> assertThat(attempts.get(id))
                .as("delivery attempt of %s, in flight at the crash", id).isGreaterThanOrEqualTo(2));
        neverDelivered.forEach(id -> assertThat(attempts.get(id))
                .as("delivery attempt of %s, never delivered before the crash", id).isEqualTo(1));
    }

    private SluiceProcess startWithTopic(int queues) throws Exception {
        SluiceProcess server = sluice.start("--flush-policy", "SYNC");
        Admin admin = sluice.admin(server);
        admin.createTopic(TOPIC, "NORMAL", queues);
        admin.createGroup(GROUP);
        return server;
    }

    private static Set<String> sendSync(Clients clients, Producer producer, int count) throws ClientException {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < count; i++) {
            ids.add(producer.send(clients.message(TOPIC).setBody(("entry " + i).getBytes(StandardCharsets.UTF_8))
                    .build()).getMessageId().toString());
        }
        return ids;
    }
}
