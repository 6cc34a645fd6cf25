package dev.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.rocketmq.client.apis.consumer.ConsumeResult;
import org.apache.rocketmq.client.apis.consumer.FilterExpression;
import org.apache.rocketmq.client.apis.consumer.SimpleConsumer;
import org.apache.rocketmq.client.apis.message.MessageView;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A message its consumer always fails is delivered exactly max-delivery-attempts times, then sits
 * in the group's dead-letter topic with its id, tag, keys and properties, where an operator sees
 * it ({@code dlq list}, {@code message history}), another group can read it, and {@code dlq
 * redrive} sends it back once, however often it is run, to be consumed as a first delivery.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DeadLetterIT {

    private static final String TOPIC = "shipments";
    private static final String GROUP = "shipping";
    private static final String DLQ_TOPIC = "%DLQ%" + GROUP;
    private static final String INSPECTOR = "dead-letter-inspector";
    private static final int MAX_ATTEMPTS = 3;
    private static final Duration QUIET = Duration.ofSeconds(3);

    @RegisterExtension
    final SluiceExtension sluice = new SluiceExtension();

    @Test
    void alwaysFailingMessageIsDeadLetteredAfterMaxAttemptsAndRedrivenOnce() throws Exception {
        SluiceProcess server = sluice.start();
        Admin admin = sluice.admin(server);
        admin.createTopic(TOPIC, "NORMAL", 1);
        admin.ok("group", "create", GROUP, "--max-delivery-attempts", Integer.toString(MAX_ATTEMPTS),
                "--retry-steps", "1s");
        admin.ok("group", "create", INSPECTOR);

        DeliveryLog log = new DeliveryLog();
        AtomicBoolean succeed = new AtomicBoolean();
        try (Clients clients = new Clients(server.grpcEndpoint());
             PushConsumers consumers = new PushConsumers(clients)) {
            Producer producer = clients.producer(TOPIC);
            consumers.start(GROUP, TOPIC,
                    log.listener(message -> succeed.get() ? ConsumeResult.SUCCESS : ConsumeResult.FAILURE));
            String id = producer.send(clients.message(TOPIC)
                    .setBody("parcel 42".getBytes(StandardCharsets.UTF_8))
                    .setTag("express")
                    .setKeys("order-42")
                    .addProperty("region", "eu")
                    .build()).getMessageId().toString();

            await("the message in the dead-letter list").atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> log.size() >= MAX_ATTEMPTS && !deadLetters(admin).isEmpty());
            Thread.sleep(QUIET.toMillis());
            assertThat(log.of(id)).extracting(DeliveryLog.Delivery::attempt)
                    .as("delivery attempts of the always failing message").containsExactly(1, 2, 3);

            List<Map<String, String>> letters = deadLetters(admin);
            assertThat(letters).as("dlq list").hasSize(1);
            assertThat(letters.get(0)).containsEntry("MESSAGE-ID", id).containsEntry("TOPIC", TOPIC)
                    .containsEntry("ATTEMPTS", Integer.toString(MAX_ATTEMPTS)).containsEntry("REDRIVEN", "no");

            MessageView deadLetter = readDeadLetter(clients);
            assertThat(Messages.id(deadLetter)).as("id of the dead-letter copy").isEqualTo(id);
            assertThat(deadLetter.getTag()).hasValue("express");
            assertThat(deadLetter.getKeys()).containsExactly("order-42");
            assertThat(deadLetter.getProperties()).containsEntry("region", "eu");
            assertThat(Messages.body(deadLetter)).isEqualTo("parcel 42".getBytes(StandardCharsets.UTF_8));

            List<Map<String, String>> history = AdminTables.table(
                    admin.ok("message", "history", "--topic", TOPIC, "--id", id, "--group", GROUP), "GROUP");
            assertThat(history).extracting(row -> row.get("ATTEMPT") + " " + row.get("OUTCOME"))
                    .as("message history").hasSize(MAX_ATTEMPTS + 1)
                    .startsWith("1 nacked", "2 nacked", "3 nacked");
            assertThat(history.get(MAX_ATTEMPTS).get("OUTCOME")).startsWith("dead-lettered");

            succeed.set(true);
            assertThat(admin.ok("dlq", "redrive", "--group", GROUP).stdout())
                    .contains("redriven: 1, already redriven earlier: 0, failed: 0");
            assertThat(admin.ok("dlq", "redrive", "--group", GROUP).stdout())
                    .contains("redriven: 0, already redriven earlier: 1, failed: 0");

            await("the redriven message consumed").atMost(Duration.ofSeconds(30))
                    .until(() -> log.succeededIds().contains(id));
            Thread.sleep(QUIET.toMillis());
            List<DeliveryLog.Delivery> deliveries = log.of(id);
            assertThat(deliveries).as("deliveries of the message, before and after the redrive")
                    .hasSize(MAX_ATTEMPTS + 1);
            DeliveryLog.Delivery redriven = deliveries.get(MAX_ATTEMPTS);
            assertThat(redriven.attempt()).as("delivery attempt of the redriven message").isEqualTo(1);
            assertThat(redriven.properties()).containsEntry("region", "eu");
            assertThat(deadLetters(admin).get(0)).containsEntry("REDRIVEN", "yes");
        }
    }

    private static List<Map<String, String>> deadLetters(Admin admin) throws Exception {
        return AdminTables.table(admin.ok("dlq", "list", "--group", GROUP), "MESSAGE-ID");
    }

    private static MessageView readDeadLetter(Clients clients) throws Exception {
        SimpleConsumer inspector = clients.simpleConsumer(INSPECTOR, DLQ_TOPIC, FilterExpression.SUB_ALL,
                Duration.ofSeconds(2));
        List<MessageView> received = new ArrayList<>();
        Receiving.until(inspector, Duration.ofSeconds(30), Duration.ofSeconds(30), () -> !received.isEmpty(),
                received::add);
        assertThat(received).as("messages read from %s", DLQ_TOPIC).hasSize(1);
        inspector.ack(received.get(0));
        System.out.println("dead-letter copy: " + received.get(0));
        return received.get(0);
    }
}
