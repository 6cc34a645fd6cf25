package dev.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.rocketmq.client.apis.consumer.ConsumeResult;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A push consumer whose listener fails a message the first k times (k = 0, 1, 3) under a group
 * allowing 4 deliveries: the message is consumed successfully exactly once, after k + 1
 * deliveries numbered 1 … k + 1 by the server, spaced by the group's backoff. Two groups read the
 * same topic, one with a customized and one with an exponential backoff.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RetryPolicyIT {

    private static final String TOPIC = "invoices";
    private static final String FAILURES = "fail-first";
    private static final List<Integer> FAILURE_COUNTS = List.of(0, 1, 3);
    private static final long SLACK_MILLIS = 1_000;
    /** Long enough for a delivery beyond the expected ones to show up after the longest backoff here. */
    private static final Duration QUIET_AFTERWARDS = Duration.ofSeconds(5);

    private record GroupUnderTest(String name, List<Duration> backoff, DeliveryLog log) {
    }

    @RegisterExtension
    final SluiceExtension sluice = new SluiceExtension();

    @Test
    void failedMessagesAreRedeliveredAfterTheGroupsBackoffUntilConsumed() throws Exception {
        SluiceProcess server = sluice.start();
        Admin admin = sluice.admin(server);
        admin.createTopic(TOPIC, "NORMAL", 2);
        GroupUnderTest steps = new GroupUnderTest("billing-steps",
                List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3)), new DeliveryLog());
        admin.ok("group", "create", steps.name(), "--max-delivery-attempts", "4", "--retry-steps", "1s,2s,3s");
        GroupUnderTest exponential = new GroupUnderTest("billing-exponential",
                List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4)), new DeliveryLog());
        admin.ok("group", "create", exponential.name(), "--max-delivery-attempts", "4",
                "--retry-initial", "1s", "--retry-multiplier", "2", "--retry-max", "4s");
        List<GroupUnderTest> groups = List.of(steps, exponential);

        Map<Integer, String> idByFailures = new LinkedHashMap<>();
        try (Clients clients = new Clients(server.grpcEndpoint());
             PushConsumers consumers = new PushConsumers(clients)) {
            Producer producer = clients.producer(TOPIC);
            for (GroupUnderTest group : groups) {
                DeliveryLog log = group.log();
                consumers.start(group.name(), TOPIC, log.listener(message ->
                        log.seen(Messages.id(message)) < Integer.parseInt(message.getProperties().get(FAILURES))
                                ? ConsumeResult.FAILURE : ConsumeResult.SUCCESS));
            }
            for (int failures : FAILURE_COUNTS) {
                idByFailures.put(failures, producer.send(clients.message(TOPIC)
                        .setBody(("fails " + failures + " times").getBytes(StandardCharsets.UTF_8))
                        .addProperty(FAILURES, Integer.toString(failures))
                        .build()).getMessageId().toString());
            }
            await("every message consumed successfully by both groups").atMost(Duration.ofSeconds(60))
                    .until(() -> groups.stream().allMatch(g -> g.log().succeededIds().containsAll(idByFailures.values())));
            Thread.sleep(QUIET_AFTERWARDS.toMillis());
        }

        for (GroupUnderTest group : groups) {
            for (Map.Entry<Integer, String> sent : idByFailures.entrySet()) {
                assertDeliveries(group, sent.getKey(), group.log().of(sent.getValue()));
            }
        }
    }

    private static void assertDeliveries(GroupUnderTest group, int failures, List<DeliveryLog.Delivery> deliveries) {
        String which = "group " + group.name() + ", message failed " + failures + " times";
        assertThat(deliveries).as("deliveries (%s)", which).hasSize(failures + 1);
        assertThat(deliveries).extracting(DeliveryLog.Delivery::attempt).as("delivery attempts (%s)", which)
                .containsExactlyElementsOf(IntStream.rangeClosed(1, failures + 1).boxed().toList());
        assertThat(deliveries).filteredOn(DeliveryLog.Delivery::succeeded)
                .as("successful deliveries (%s)", which).hasSize(1);
        assertThat(deliveries.get(failures).succeeded()).as("the last delivery succeeded (%s)", which).isTrue();
        for (int n = 1; n <= failures; n++) {
            long gap = deliveries.get(n).atMillis() - deliveries.get(n - 1).atMillis();
            long expected = group.backoff().get(n - 1).toMillis();
            assertThat(gap).as("ms between delivery %d and %d (%s; backoff %d ms)", n, n + 1, which, expected)
                    .isBetween(expected - SLACK_MILLIS, expected + SLACK_MILLIS);
        }
    }
}
