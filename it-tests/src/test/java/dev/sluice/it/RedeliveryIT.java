package dev.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.rocketmq.client.apis.ClientException;
import org.apache.rocketmq.client.apis.consumer.FilterExpression;
import org.apache.rocketmq.client.apis.consumer.SimpleConsumer;
import org.apache.rocketmq.client.apis.message.MessageView;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.apache.rocketmq.client.java.exception.BadRequestException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A message a SimpleConsumer does not ack comes back once its invisible duration is over, with the
 * next delivery attempt; the handle of the earlier delivery is then refused; asking for more time
 * postpones the redelivery and yields a handle that acks.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RedeliveryIT {

    private static final String TOPIC = "payments";
    private static final String GROUP = "payment-workers";
    /** The shortest invisible duration the protocol allows. */
    private static final Duration MIN_INVISIBLE = Duration.ofSeconds(10);
    /** Slack for the time between the server starting an invisibility period and the client seeing the answer. */
    private static final long SLACK_MILLIS = 1_000;

    @RegisterExtension
    final SluiceExtension sluice = new SluiceExtension();

    @Test
    void unackedMessageComesBackWithNextAttemptAndTheStaleHandleIsRefused() throws Exception {
        try (Clients clients = startWithTopic()) {
            Producer producer = clients.producer(TOPIC);
            SimpleConsumer consumer = clients.simpleConsumer(GROUP, TOPIC, FilterExpression.SUB_ALL, Duration.ofSeconds(2));
            String id = send(clients, producer, "redeliver me");

            MessageView first = receiveOne(consumer, Duration.ofSeconds(30));
            long firstAt = System.currentTimeMillis();
            assertThat(Messages.id(first)).isEqualTo(id);
            assertThat(first.getDeliveryAttempt()).isEqualTo(1);

            MessageView second = receiveOne(consumer, MIN_INVISIBLE.plusSeconds(30));
            long redeliveredAfter = System.currentTimeMillis() - firstAt;
            assertThat(Messages.id(second)).as("the redelivered message").isEqualTo(id);
            assertThat(second.getDeliveryAttempt()).as("delivery attempt of the redelivery").isEqualTo(2);
            assertThat(redeliveredAfter).as("ms between delivery and redelivery")
                    .isGreaterThanOrEqualTo(MIN_INVISIBLE.toMillis() - SLACK_MILLIS);
            assertThat(Messages.body(second)).isEqualTo("redeliver me".getBytes(StandardCharsets.UTF_8));

            assertThatThrownBy(() -> consumer.ack(first))
                    .as("ack with the first delivery's handle after the redelivery")
                    .isInstanceOf(BadRequestException.class)
                    .satisfies(e -> assertThat(Clients.responseCode(e)).hasValue(StatusCodes.INVALID_RECEIPT_HANDLE));
            consumer.ack(second);

            assertThat(Receiving.during(consumer, MIN_INVISIBLE, MIN_INVISIBLE.plusSeconds(2)))
                    .as("deliveries after the ack with the current handle").isEmpty();
        }
    }

    @Test
    void changeInvisibleDurationPostponesRedeliveryAndItsHandleAcks() throws Exception {
        try (Clients clients = startWithTopic()) {
            Producer producer = clients.producer(TOPIC);
            SimpleConsumer consumer = clients.simpleConsumer(GROUP, TOPIC, FilterExpression.SUB_ALL, Duration.ofSeconds(2));
            String toAck = send(clients, producer, "acked after more time");
            String toRedeliver = send(clients, producer, "redelivered after more time");

            List<MessageView> delivered = new ArrayList<>();
            Receiving.until(consumer, MIN_INVISIBLE, Duration.ofSeconds(30), () -> delivered.size() >= 2, delivered::add);
            assertThat(Messages.ids(delivered)).containsExactlyInAnyOrder(toAck, toRedeliver);

            Duration extended = Duration.ofSeconds(20);
            for (MessageView message : delivered) {
                // the client swaps the view's receipt handle for the one this call returns
                consumer.changeInvisibleDuration(message, extended);
            }
            long extendedAt = System.currentTimeMillis();

            assertThat(Receiving.during(consumer, MIN_INVISIBLE, MIN_INVISIBLE.plusSeconds(4)))
                    .as("deliveries after the original invisible duration ran out but before the extended one")
                    .isEmpty();
            MessageView ackNow = delivered.stream().filter(m -> Messages.id(m).equals(toAck)).findFirst().orElseThrow();
            consumer.ack(ackNow);

            MessageView again = receiveOne(consumer, extended.plusSeconds(30));
            long redeliveredAfter = System.currentTimeMillis() - extendedAt;
            assertThat(Messages.id(again)).as("the only message that comes back").isEqualTo(toRedeliver);
            assertThat(again.getDeliveryAttempt()).isEqualTo(2);
            assertThat(redeliveredAfter).as("ms between the extension and the redelivery")
                    .isGreaterThanOrEqualTo(extended.toMillis() - SLACK_MILLIS);
            consumer.ack(again);
        }
    }

    private Clients startWithTopic() throws Exception {
        SluiceProcess server = sluice.start();
        Admin admin = sluice.admin(server);
        admin.createTopic(TOPIC, "NORMAL", 2);
        admin.createGroup(GROUP);
        return new Clients(server.grpcEndpoint());
    }

    private static String send(Clients clients, Producer producer, String body) throws ClientException {
        return producer.send(clients.message(TOPIC).setBody(body.getBytes(StandardCharsets.UTF_8)).build())
                .getMessageId().toString();
    }

    /** Receives until exactly one message arrives; fails if none comes within {@code timeout}. */
    private static MessageView receiveOne(SimpleConsumer consumer, Duration timeout) throws ClientException {
        List<MessageView> received = new ArrayList<>();
        Receiving.until(consumer, MIN_INVISIBLE, timeout, () -> !received.isEmpty(), received::add);
        assertThat(received).as("messages received within %s", timeout).hasSize(1);
        return received.get(0);
    }
}
