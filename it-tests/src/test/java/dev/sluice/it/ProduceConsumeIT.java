package dev.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.rocketmq.client.apis.consumer.ConsumeResult;
import org.apache.rocketmq.client.apis.consumer.FilterExpression;
import org.apache.rocketmq.client.apis.consumer.FilterExpressionType;
import org.apache.rocketmq.client.apis.consumer.SimpleConsumer;
import org.apache.rocketmq.client.apis.message.Message;
import org.apache.rocketmq.client.apis.message.MessageView;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The everyday path: one producer sends 10,000 messages (half with blocking sends from several
 * threads, half with async sends), a SimpleConsumer filtering on a tag gets exactly the matching
 * half, and a PushConsumer in another group gets every message once, with every field intact.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ProduceConsumeIT {

    private static final String TOPIC = "orders";
    private static final int MESSAGES = 10_000;
    private static final int SYNC_SENDERS = 4;
    private static final int ASYNC_IN_FLIGHT = 256;
    private static final Duration INVISIBLE = Duration.ofSeconds(30);

    @RegisterExtension
    final SluiceExtension sluice = new SluiceExtension();

    /** What the test sent, to compare deliveries against. */
    private record Sent(int index, String tag, List<String> keys, Map<String, String> properties, byte[] body) {

        static Sent of(int index, Random random) {
            String tag = index % 2 == 0 ? "A" : "B";
            Map<String, String> properties = new LinkedHashMap<>();
            properties.put("index", Integer.toString(index));
            properties.put("sender", index < MESSAGES / 2 ? "sync" : "async");
            byte[] padding = new byte[16 + random.nextInt(480)];
            random.nextBytes(padding);
            byte[] prefix = ("message-" + index + ":").getBytes(StandardCharsets.UTF_8);
            byte[] body = new byte[prefix.length + padding.length];
            System.arraycopy(prefix, 0, body, 0, prefix.length);
            System.arraycopy(padding, 0, body, prefix.length, padding.length);
            return new Sent(index, tag, List.of("order-" + index, "customer-" + index % 97), properties, body);
        }

        Message toMessage(Clients clients) {
            var builder = clients.message(TOPIC).setTag(tag).setKeys(keys.toArray(String[]::new)).setBody(body);
            properties.forEach(builder::addProperty);
            return builder.build();
        }
    }

    @Test
    void tagFilteredSimpleConsumerAndPushConsumerGetExactlyWhatWasSent() throws Exception {
        SluiceProcess server = sluice.start();
        Admin admin = sluice.admin(server);
        admin.createTopic(TOPIC, "NORMAL", 4);
        admin.createGroup("tag-a-readers");
        admin.createGroup("all-readers");

        try (Clients clients = new Clients(server.grpcEndpoint())) {
            Map<String, AtomicInteger> pushCounts = new ConcurrentHashMap<>();
            Map<String, MessageView> pushed = new ConcurrentHashMap<>();
            clients.pushConsumer("all-readers", TOPIC, FilterExpression.SUB_ALL, message -> {
                String id = Messages.id(message);
                pushCounts.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                pushed.putIfAbsent(id, message);
                return ConsumeResult.SUCCESS;
            });
            SimpleConsumer tagA = clients.simpleConsumer("tag-a-readers", TOPIC,
                    new FilterExpression("A", FilterExpressionType.TAG), Duration.ofSeconds(2));

            long sendStart = System.currentTimeMillis();
            Map<String, Sent> sent = sendAll(clients, clients.producer(TOPIC));
            assertThat(sent).as("distinct message ids returned by the sends").hasSize(MESSAGES);

            Map<String, Sent> expectedA = sent.entrySet().stream()
                    .filter(e -> e.getValue().tag().equals("A"))
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
            Map<String, MessageView> receivedA = new ConcurrentHashMap<>();
            List<String> duplicatesA = new ArrayList<>();
            List<CompletableFuture<Void>> acks = new ArrayList<>();
            Receiving.until(tagA, INVISIBLE, Duration.ofSeconds(120), () -> receivedA.size() >= expectedA.size(),
                    message -> {
                        if (receivedA.putIfAbsent(Messages.id(message), message) != null) {
                            duplicatesA.add(Messages.id(message));
                        }
                        acks.add(tagA.ackAsync(message));
                    });
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            List<MessageView> afterAll = Receiving.during(tagA, INVISIBLE, Duration.ofSeconds(3));

            assertThat(receivedA.keySet()).as("ids the tag-A SimpleConsumer received")
                    .containsExactlyInAnyOrderElementsOf(expectedA.keySet());
            assertThat(duplicatesA).as("tag-A messages received twice although acked in time").isEmpty();
            assertThat(afterAll).as("messages received after every tag-A message was acked").isEmpty();
            receivedA.forEach((id, view) -> assertDelivered(view, id, sent.get(id), sendStart));

            await("PushConsumer receives all " + MESSAGES + " messages")
                    .atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> pushCounts.size() >= MESSAGES);
            // give a redelivery (a lost ack) a moment to show up before judging duplicates
            Thread.sleep(2_000);
            assertThat(pushCounts.keySet()).as("ids the PushConsumer received")
                    .containsExactlyInAnyOrderElementsOf(sent.keySet());
            Map<String, Integer> duplicatesPushed = pushCounts.entrySet().stream()
                    .filter(e -> e.getValue().get() > 1)
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get()));
            assertThat(duplicatesPushed).as("messages the PushConsumer got more than once").isEmpty();
            pushed.forEach((id, view) -> assertDelivered(view, id, sent.get(id), sendStart));
        }
    }

    /** Sends half the messages with blocking sends from several threads, half async with a bounded window. */
    private static Map<String, Sent> sendAll(Clients clients, Producer producer) throws Exception {
        Random random = new Random(42);
        List<Sent> messages = new ArrayList<>(MESSAGES);
        for (int i = 0; i < MESSAGES; i++) {
            messages.add(Sent.of(i, random));
        }
        Map<String, Sent> sentById = new ConcurrentHashMap<>();

        ExecutorService senders = Executors.newFixedThreadPool(SYNC_SENDERS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < SYNC_SENDERS; t++) {
                int thread = t;
                done.add(senders.submit(() -> {
                    for (int i = thread; i < MESSAGES / 2; i += SYNC_SENDERS) {
                        Sent message = messages.get(i);
                        sentById.put(producer.send(message.toMessage(clients)).getMessageId().toString(), message);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            senders.shutdownNow();
        }

        Semaphore window = new Semaphore(ASYNC_IN_FLIGHT);
        Queue<Throwable> asyncFailures = new ConcurrentLinkedQueue<>();
        for (int i = MESSAGES / 2; i < MESSAGES; i++) {
            Sent message = messages.get(i);
            if (!window.tryAcquire(60, TimeUnit.SECONDS)) {
                throw new AssertionError("no async send completed within 60 s");
            }
            producer.sendAsync(message.toMessage(clients)).whenComplete((receipt, failure) -> {
                if (failure != null) {
                    asyncFailures.add(failure);
                } else {
                    sentById.put(receipt.getMessageId().toString(), message);
                }
                window.release();
            });
        }
        assertThat(window.tryAcquire(ASYNC_IN_FLIGHT, 60, TimeUnit.SECONDS))
                .as("all async sends completed").isTrue();
        assertThat(asyncFailures).as("async send failures").isEmpty();
        return sentById;
    }

    private static void assertDelivered(MessageView view, String id, Sent sent, long sendStart) {
        assertThat(sent).as("message %s was delivered but never sent", id).isNotNull();
        assertThat(Messages.id(view)).isEqualTo(id);
        assertThat(view.getTopic()).isEqualTo(TOPIC);
        assertThat(view.getTag()).as("tag of message %d", sent.index()).contains(sent.tag());
        assertThat(view.getKeys()).as("keys of message %d", sent.index())
                .containsExactlyInAnyOrderElementsOf(sent.keys());
        assertThat(view.getProperties()).as("user properties of message %d", sent.index())
                .isEqualTo(sent.properties());
        assertThat(Messages.body(view)).as("body of message %d", sent.index()).isEqualTo(sent.body());
        assertThat(view.getDeliveryAttempt()).as("delivery attempt of message %d", sent.index()).isEqualTo(1);
        assertThat(view.getBornTimestamp()).as("born timestamp of message %d", sent.index())
                .isBetween(sendStart - 1_000, System.currentTimeMillis());
        assertThat(view.getMessageGroup()).isEmpty();
        assertThat(view.getDeliveryTimestamp()).isEmpty();
    }
}
