package dev.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.rocketmq.client.apis.consumer.ConsumeResult;
import org.apache.rocketmq.client.apis.message.MessageView;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A FIFO group on a FIFO topic: three message groups of 100 interleaved messages, some failed
 * once, are each consumed in send order with none lost or consumed twice, and a fourth message
 * group whose head message always fails is retried until dead-lettered without holding the others
 * back, its next message following only afterwards.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class FifoIT {

    private static final String TOPIC = "trades";
    private static final String GROUP = "settlement";
    private static final List<String> ORDERLY = List.of("EUR", "USD", "JPY");
    private static final String POISONED = "GBP";
    private static final int PER_GROUP = 100;
    /** Every message whose sequence number is a multiple of this fails its first delivery. */
    private static final int FAIL_ONCE_EVERY = 17;
    private static final int MAX_ATTEMPTS = 5;
    private static final String SEQ = "seq";

    @RegisterExtension
    final SluiceExtension sluice = new SluiceExtension();

    @Test
    void eachMessageGroupIsConsumedInOrderAndAPoisonedOneBlocksOnlyItself() throws Exception {
        SluiceProcess server = sluice.start();
        Admin admin = sluice.admin(server);
        // one queue: every message group shares it, so only per-group blocking keeps them apart
        admin.createTopic(TOPIC, "FIFO", 1);
        admin.ok("group", "create", GROUP, "--fifo", "--max-delivery-attempts", Integer.toString(MAX_ATTEMPTS),
                "--retry-steps", "1s");

        DeliveryLog log = new DeliveryLog();
        String poisonHead;
        String poisonNext;
        try (Clients clients = new Clients(server.grpcEndpoint());
             PushConsumers consumers = new PushConsumers(clients)) {
            Producer producer = clients.producer(TOPIC);
            consumers.start(GROUP, TOPIC, log.listener(this::decide), true);

            poisonHead = send(clients, producer, POISONED, 0);
            for (int seq = 0; seq < PER_GROUP; seq++) {
                for (String group : ORDERLY) {
                    send(clients, producer, group, seq);
                }
            }
            poisonNext = send(clients, producer, POISONED, 1);

            await("every message group consumed").atMost(Duration.ofSeconds(60)).until(() ->
                    log.succeededIds().contains(poisonNext)
                            && ORDERLY.stream().allMatch(g -> successes(log, g).size() >= PER_GROUP));
            Thread.sleep(2_000);
        }

        for (String group : ORDERLY) {
            assertThat(successes(log, group)).as("sequence numbers of message group %s in the order consumed", group)
                    .containsExactlyElementsOf(IntStream.range(0, PER_GROUP).boxed().toList());
            assertThat(deliveries(log, group)).extracting(d -> Integer.parseInt(d.property(SEQ)))
                    .as("sequence numbers of message group %s in the order delivered, retries included", group)
                    .isSorted();
        }

        List<DeliveryLog.Delivery> head = log.of(poisonHead);
        assertThat(head).extracting(DeliveryLog.Delivery::attempt).as("delivery attempts of the poisoned head")
                .containsExactlyElementsOf(IntStream.rangeClosed(1, MAX_ATTEMPTS).boxed().toList());
        long headFirst = head.get(0).atMillis();
        long headLast = head.get(head.size() - 1).atMillis();
        assertThat(log.of(poisonNext).get(0).atMillis())
                .as("first delivery of the message after the poisoned head, vs the head's last attempt")
                .isGreaterThanOrEqualTo(headLast);
        for (String group : ORDERLY) {
            assertThat(successes(log, group, headFirst, headLast))
                    .as("messages of group %s consumed while the poisoned head was being retried", group)
                    .isNotEmpty();
        }
        assertThat(AdminTables.table(admin.ok("dlq", "list", "--group", GROUP), "MESSAGE-ID"))
                .extracting(row -> row.get("MESSAGE-ID")).as("dead-lettered messages").containsExactly(poisonHead);
    }

    private ConsumeResult decide(MessageView message) {
        String group = message.getMessageGroup().orElseThrow();
        int seq = Integer.parseInt(message.getProperties().get(SEQ));
        if (group.equals(POISONED)) {
            return seq == 0 ? ConsumeResult.FAILURE : ConsumeResult.SUCCESS;
        }
        return seq % FAIL_ONCE_EVERY == 0 && message.getDeliveryAttempt() == 1
                ? ConsumeResult.FAILURE : ConsumeResult.SUCCESS;
    }

    private static String send(Clients clients, Producer producer, String group, int seq) throws Exception {
        return producer.send(clients.message(TOPIC)
                .setMessageGroup(group)
                .setBody((group + " #" + seq).getBytes(StandardCharsets.UTF_8))
                .addProperty(SEQ, Integer.toString(seq))
                .build()).getMessageId().toString();
    }

    private static List<DeliveryLog.Delivery> deliveries(DeliveryLog log, String group) {
        return log.all().stream().filter(d -> d.messageGroup().equals(java.util.Optional.of(group))).toList();
    }

    private static List<Integer> successes(DeliveryLog log, String group) {
        return successes(log, group, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    private static List<Integer> successes(DeliveryLog log, String group, long from, long to) {
        return deliveries(log, group).stream().filter(DeliveryLog.Delivery::succeeded)
                .filter(d -> d.atMillis() >= from && d.atMillis() <= to)
                .map(d -> Integer.parseInt(d.property(SEQ))).toList();
    }
}
