package dev.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.rocketmq.client.apis.consumer.FilterExpression;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code bin/sluice standalone} with its embedded one-node controller, looked at through
 * {@code bin/sluice admin --controller}, as an operator would.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class EmbeddedControllerIT {

    /** The broker group line of {@code cluster status} while the standalone broker leads it and is alive. */
    private static final String LIVE_GROUP = "(?s).*standalone +leader standalone .*replicas \\[standalone\\](?!\\(down\\)).*";

    @RegisterExtension
    final SluiceExtension sluice = new SluiceExtension();

    @Test
    void standaloneIsLiveInItsControllerWhichHoldsItsTopicsAndGroups() throws Exception {
        SluiceProcess server = sluice.start();
        Admin admin = sluice.admin(server);
        Admin controller = sluice.controllerAdmin(server);
        await("the standalone broker registered and alive").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> controller.ok("cluster", "status").stdout(), status -> status.matches(LIVE_GROUP));

        admin.createTopic("orders", "FIFO", 4);
        admin.ok("group", "create", "billing", "--max-delivery-attempts", "5");
        assertThat(controller.ok("topic", "list").row("orders")).containsEntry("TYPE", "FIFO").containsEntry("QUEUES", "4");
        assertThat(controller.ok("topic", "describe", "orders").stdout())
                .containsPattern("(?m)^3\\s+standalone\\s+-$");
        assertThat(controller.ok("group", "describe", "billing").row("billing"))
                .containsEntry("MAX-DELIVERY-ATTEMPTS", "5");

        try (Clients clients = new Clients(server.grpcEndpoint())) {
            // the official client's first use creates the group on the broker; the controller gets it too
            clients.simpleConsumer("first-use", "orders", FilterExpression.SUB_ALL, Duration.ofSeconds(1));
            await("group created on first use in the controller").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> names(controller.ok("group", "list")).contains("first-use"));
        }

        Admin.Result refused = controller.run("topic", "create", "direct");
        assertThat(refused.exitCode()).as("a topic write to the embedded controller: %s", refused).isEqualTo(1);
        assertThat(refused.stderr()).contains("sluice admin --server");
        Admin.Result unknown = controller.run("topic", "describe", "no-such-topic");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.stderr()).contains("topic 'no-such-topic' not found");

        admin.ok("topic", "delete", "orders");
        admin.createTopic("parcels", "NORMAL", 2);
        assertThat(names(controller.ok("topic", "list"))).containsExactly("parcels");

        server.kill9();
        server.restart();
        assertThat(names(controller.ok("topic", "list"))).as("controller metadata after kill -9").containsExactly("parcels");
        assertThat(names(controller.ok("group", "list"))).contains("billing", "first-use");
        assertThat(controller.ok("cluster", "status").stdout()).matches(LIVE_GROUP);
    }

    private static List<String> names(Admin.Result result) {
        return result.table().stream().map(row -> row.get("NAME")).toList();
    }
}
