package dev.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.apache.rocketmq.client.apis.consumer.FilterExpression;
import org.apache.rocketmq.client.apis.consumer.SimpleConsumer;
import org.apache.rocketmq.client.apis.message.Message;
import org.apache.rocketmq.client.apis.message.MessageView;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.apache.rocketmq.client.java.exception.BadRequestException;
import org.apache.rocketmq.client.java.exception.NotFoundException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bad input sent through the official client gets the protocol's status code, and nothing of a
 * refused request is stored.
 *
 * <p>Not covered here because the Java client refuses them before sending, so only a raw gRPC call
 * could produce them (the broker-server unit tests send those): an empty body, a tag containing
 * {@code |} or blank, topic and group names outside {@code [%a-zA-Z0-9_-]}, a request without
 * {@code x-mq-client-id}, and a malformed receipt handle (the client only acks handles the server
 * gave it; a stale one is covered by {@link RedeliveryIT}).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class BadInputIT {

    private static final String NORMAL_TOPIC = "invoices";
    private static final String FIFO_TOPIC = "invoice-steps";
    private static final String GROUP = "invoice-readers";
    private static final int MAX_BODY = 4 * 1024 * 1024;

    @RegisterExtension
    final SluiceExtension sluice = new SluiceExtension();

    @Test
    void sendToUnknownTopicIsTopicNotFoundAndNamesTheCreateCommand() throws Exception {
        SluiceProcess server = sluice.start();
        try (Clients clients = new Clients(server.grpcEndpoint())) {
            Producer producer = clients.producer();
            Message toUnknown = clients.message("no-such-topic").setBody(bytes("lost?")).build();

            assertThatThrownBy(() -> producer.send(toUnknown))
                    .isInstanceOf(NotFoundException.class)
                    .hasMessageContaining("sluice admin topic create")
                    .satisfies(e -> assertThat(Clients.responseCode(e)).hasValue(StatusCodes.TOPIC_NOT_FOUND));

            // the builder surfaces a failed start as Guava's IllegalStateException around the status
            assertThatThrownBy(() -> clients.producer("no-such-topic-either"))
                    .as("a producer whose start-up topic does not exist")
                    .satisfies(e -> assertThat(Clients.responseCode(e)).hasValue(StatusCodes.TOPIC_NOT_FOUND));
        }
        Admin admin = sluice.admin(server);
        assertThat(admin.run("topic", "describe", "no-such-topic").exitCode())
                .as("the send must not have created the topic").isNotZero();
    }

    @Test
    void refusedSendsStoreNothingAndTheServerKeepsServing() throws Exception {
        SluiceProcess server = sluice.start();
        Admin admin = sluice.admin(server);
        admin.createTopic(NORMAL_TOPIC, "NORMAL", 2);
        admin.createTopic(FIFO_TOPIC, "FIFO", 2);
        admin.createGroup(GROUP);

        try (Clients clients = new Clients(server.grpcEndpoint())) {
            Producer producer = clients.producer(NORMAL_TOPIC, FIFO_TOPIC);

            // the client may refuse type mismatches itself when the server's Settings ask it to validate
            assertRefused(() -> producer.send(clients.message(NORMAL_TOPIC).setMessageGroup("g1")
                            .setBody(bytes("fifo to normal")).build()),
                    StatusCodes.MESSAGE_PROPERTY_CONFLICT_WITH_TYPE, "message type");
            assertRefused(() -> producer.send(clients.message(FIFO_TOPIC)
                            .setBody(bytes("normal to fifo")).build()),
                    StatusCodes.MESSAGE_PROPERTY_CONFLICT_WITH_TYPE, "message type");
            // the client checks the size against the limit the server announced in Settings
            assertRefused(() -> producer.send(clients.message(NORMAL_TOPIC).setBody(new byte[MAX_BODY + 1]).build()),
                    StatusCodes.MESSAGE_BODY_TOO_LARGE, "exceeds");
            // control characters pass the client's checks: the server must refuse them
            assertRefused(() -> producer.send(clients.message(NORMAL_TOPIC).setTag("bad\u0007tag")
                            .setBody(bytes("bad tag")).build()),
                    StatusCodes.ILLEGAL_MESSAGE_TAG, null);
            assertRefused(() -> producer.send(clients.message(NORMAL_TOPIC).setKeys("bad\u0007key")
                            .setBody(bytes("bad key")).build()),
                    StatusCodes.ILLEGAL_MESSAGE_KEY, null);
            assertRefused(() -> producer.send(clients.message(NORMAL_TOPIC).addProperty("bad\u0007name", "v")
                            .setBody(bytes("bad property")).build()),
                    StatusCodes.ILLEGAL_MESSAGE_PROPERTY_KEY, null);

            byte[] largest = new byte[MAX_BODY];
            largest[MAX_BODY - 1] = 7;
            String largestId = producer.send(clients.message(NORMAL_TOPIC).setBody(largest).build())
                    .getMessageId().toString();
            String markerId = producer.send(clients.message(NORMAL_TOPIC).setBody(bytes("marker")).build())
                    .getMessageId().toString();

            SimpleConsumer consumer = clients.simpleConsumer(GROUP, NORMAL_TOPIC, FilterExpression.SUB_ALL,
                    Duration.ofSeconds(2));
            List<MessageView> received = new ArrayList<>();
            Receiving.until(consumer, Duration.ofSeconds(30), Duration.ofSeconds(30),
                    () -> Messages.ids(received).containsAll(List.of(largestId, markerId)),
                    message -> {
                        received.add(message);
                        consumer.ack(message);
                    });
            received.addAll(Receiving.during(consumer, Duration.ofSeconds(30), Duration.ofSeconds(3)));

            assertThat(Messages.ids(received)).as("stored on the NORMAL topic: only the accepted sends")
                    .containsExactlyInAnyOrder(largestId, markerId);
            MessageView largestBack = received.stream().filter(m -> Messages.id(m).equals(largestId))
                    .findFirst().orElseThrow();
            assertThat(Messages.body(largestBack)).as("a body of exactly 4 MiB").isEqualTo(largest);
        }
    }

    @Test
    void invisibleDurationOutsideTenSecondsToTwelveHoursIsIllegalInvisibleTime() throws Exception {
        SluiceProcess server = sluice.start();
        Admin admin = sluice.admin(server);
        admin.createTopic(NORMAL_TOPIC, "NORMAL", 2);
        admin.createGroup(GROUP);

        try (Clients clients = new Clients(server.grpcEndpoint())) {
            SimpleConsumer consumer = clients.simpleConsumer(GROUP, NORMAL_TOPIC, FilterExpression.SUB_ALL,
                    Duration.ofSeconds(2));
            for (Duration invisible : List.of(Duration.ofSeconds(1), Duration.ofHours(13))) {
                assertThatThrownBy(() -> consumer.receive(1, invisible))
                        .as("receive with invisible duration %s", invisible)
                        .isInstanceOf(BadRequestException.class)
                        .satisfies(e -> assertThat(Clients.responseCode(e)).hasValue(StatusCodes.ILLEGAL_INVISIBLE_TIME));
            }
            assertThat(consumer.receive(1, Duration.ofSeconds(10))).as("a valid receive afterwards").isEmpty();
        }
    }

    /**
     * The send must fail. If the server answered, it is with {@code expectedCode}; a failure without
     * a status code is accepted only where the client checks locally, recognised by
     * {@code localRefusal} in its message ({@code null}: the client cannot refuse this itself).
     */
    private static void assertRefused(ThrowingCallable send, int expectedCode, String localRefusal) {
        Throwable failure = catchThrowable(send);
        assertThat(failure).as("expected the send to fail with code %d", expectedCode).isNotNull();
        OptionalInt code = Clients.responseCode(failure);
        if (code.isPresent() || localRefusal == null) {
            assertThat(code).as("status code of %s", failure).hasValue(expectedCode);
        } else {
            assertThat(messages(failure)).as("local refusal by the client").containsIgnoringCase(localRefusal);
        }
    }

    private static String messages(Throwable failure) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            all.append(t).append('\n');
        }
        return all.toString();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
