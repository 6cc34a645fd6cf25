package dev.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.rocketmq.client.apis.consumer.FilterExpression;
import org.apache.rocketmq.client.apis.consumer.SimpleConsumer;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code bin/sluice admin} against a running server, as an operator uses it. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class AdminCliIT {

    private static final Pattern TOTAL_LAG = Pattern.compile("(?m)^total lag of group .*: (\\d+)$");
    private static final Pattern NOT_FOUND = Pattern.compile("(?is).*(not found|does not exist|unknown|no such).*");
    private static final Pattern ALREADY_EXISTS = Pattern.compile("(?is).*(already exists|exists already).*");

    @RegisterExtension
    final SluiceExtension sluice = new SluiceExtension();

    @Test
    void topicCreateListDescribeUpdateDelete() throws Exception {
        Admin admin = sluice.admin(sluice.start());

        assertThat(admin.ok("topic", "create", "shipments", "--type", "NORMAL", "--queues", "4").row("shipments"))
                .containsEntry("TYPE", "NORMAL").containsEntry("QUEUES", "4");
        admin.ok("topic", "create", "shipment-steps", "--type", "FIFO", "--queues", "2");
        Admin.Result listed = admin.ok("topic", "list");
        assertThat(names(listed)).containsExactlyInAnyOrder("shipments", "shipment-steps");
        assertThat(listed.row("shipment-steps")).containsEntry("TYPE", "FIFO").containsEntry("QUEUES", "2");

        assertThat(admin.ok("topic", "update", "shipments", "--queues", "8").row("shipments"))
                .containsEntry("TYPE", "NORMAL").containsEntry("QUEUES", "8");
        assertThat(admin.ok("topic", "describe", "shipments").row("shipments")).containsEntry("QUEUES", "8");

        Admin.Result duplicate = admin.run("topic", "create", "shipments", "--type", "NORMAL", "--queues", "4");
        assertThat(duplicate.exitCode()).as("exit code of a duplicate create: %s", duplicate).isNotZero();
        assertThat(duplicate.output()).contains("shipments").matches(ALREADY_EXISTS);

        Admin.Result unknown = admin.run("topic", "describe", "no-such-topic");
        assertThat(unknown.exitCode()).as("exit code of describing an unknown topic: %s", unknown).isNotZero();
        assertThat(unknown.output()).contains("no-such-topic").matches(NOT_FOUND);

        Admin.Result badType = admin.run("topic", "create", "loud", "--type", "LOUD");
        assertThat(badType.exitCode()).as("exit code with an unknown --type: %s", badType).isNotZero();
        assertThat(badType.output()).contains("LOUD");

        admin.ok("topic", "delete", "shipments");
        assertThat(names(admin.ok("topic", "list"))).containsExactly("shipment-steps");
        Admin.Result deleteAgain = admin.run("topic", "delete", "shipments");
        assertThat(deleteAgain.exitCode()).as("deleting a deleted topic: %s", deleteAgain).isNotZero();
        assertThat(deleteAgain.output()).matches(NOT_FOUND);
    }

    @Test
    void groupCreateDescribeAndErrors() throws Exception {
        Admin admin = sluice.admin(sluice.start());

        admin.ok("group", "create", "billing", "--max-delivery-attempts", "5");
        admin.ok("group", "create", "billing-ordered", "--fifo");
        assertThat(admin.ok("group", "describe", "billing").row("billing"))
                .containsEntry("FIFO", "false").containsEntry("MAX-DELIVERY-ATTEMPTS", "5");
        assertThat(admin.ok("group", "describe", "billing-ordered").row("billing-ordered"))
                .containsEntry("FIFO", "true");
        assertThat(names(admin.ok("group", "list"))).contains("billing", "billing-ordered");

        Admin.Result duplicate = admin.run("group", "create", "billing");
        assertThat(duplicate.exitCode()).as("exit code of a duplicate group create: %s", duplicate).isNotZero();
        assertThat(duplicate.output()).contains("billing").matches(ALREADY_EXISTS);

        Admin.Result unknown = admin.run("group", "describe", "no-such-group");
        assertThat(unknown.exitCode()).as("exit code of describing an unknown group: %s", unknown).isNotZero();
        assertThat(unknown.output()).contains("no-such-group").matches(NOT_FOUND);

        // 0 asks for the server default, so the refused value is one above the maximum of 1000
        Admin.Result badAttempts = admin.run("group", "create", "too-patient", "--max-delivery-attempts", "1001");
        assertThat(badAttempts.exitCode()).as("exit code with 1001 max delivery attempts: %s", badAttempts).isNotZero();
        assertThat(badAttempts.output()).containsIgnoringCase("attempts");
    }

    @Test
    void consumerLagShowsTheBacklogAndZeroOnceConsumed() throws Exception {
        SluiceProcess server = sluice.start();
        Admin admin = sluice.admin(server);
        admin.createTopic("parcels", "NORMAL", 2);
        admin.createGroup("parcel-scanners");
        int messages = 25;

        try (Clients clients = new Clients(server.grpcEndpoint())) {
            SimpleConsumer consumer = clients.simpleConsumer("parcel-scanners", "parcels", FilterExpression.SUB_ALL,
                    Duration.ofSeconds(2));
            // the server learns which topics a group reads from its receives: poll once while the topic is empty
            assertThat(consumer.receive(1, Duration.ofSeconds(30))).isEmpty();
            Producer producer = clients.producer("parcels");
            for (int i = 0; i < messages; i++) {
                producer.send(clients.message("parcels").setBody(("parcel " + i).getBytes(StandardCharsets.UTF_8)).build());
            }
            await("lag of " + messages + " after the sends").atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> totalLag(admin.ok("consumer-lag", "--group", "parcel-scanners")), lag -> lag == messages);

            AtomicInteger consumed = new AtomicInteger();
            Receiving.until(consumer, Duration.ofSeconds(30), Duration.ofSeconds(30), () -> consumed.get() >= messages,
                    message -> {
                        consumer.ack(message);
                        consumed.incrementAndGet();
                    });
            assertThat(consumed).hasValue(messages);
        }
        await("lag back to 0 after every message was acked").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> totalLag(admin.ok("consumer-lag", "--group", "parcel-scanners")) == 0);
    }

    @Test
    void unreachableServerFailsWithAMessage() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Admin.Result result = sluice.admin("127.0.0.1:" + closedPort).run("topic", "list");
        assertThat(result.exitCode()).as("exit code against a port nobody listens on: %s", result).isNotZero();
        assertThat(result.output()).contains("127.0.0.1:" + closedPort);
    }

    private static List<String> names(Admin.Result result) {
        return result.table().stream().map(row -> row.get("NAME")).toList();
    }

    private static long totalLag(Admin.Result result) {
        Matcher total = TOTAL_LAG.matcher(result.output());
        if (!total.find()) {
            throw new AssertionError("no total lag in the consumer-lag output: " + result);
        }
        return Long.parseLong(total.group(1));
    }
}
