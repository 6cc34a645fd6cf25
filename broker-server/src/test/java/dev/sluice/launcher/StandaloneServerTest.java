package dev.sluice.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sluice.cluster.ControllerMirror;
import dev.sluice.config.SluiceConfig;
import dev.sluice.controller.client.ControllerClient;
import dev.sluice.proto.controller.v1.MessageType;
import dev.sluice.proto.controller.v1.MetadataImage;
import dev.sluice.proto.controller.v1.Topic;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A standalone server on 127.0.0.1 ephemeral ports, driven through the admin command line. */
class StandaloneServerTest {

    @TempDir
    Path dataDir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private StandaloneServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void shouldServeAdminCommandsAndReportReadiness() throws Exception {
        start();

        assertThat(server.describe()).startsWith("Sluice standalone: gRPC 127.0.0.1:" + server.grpcPort()
                + " (RocketMQ v2 + admin), HTTP 127.0.0.1:" + server.httpPort());
        assertThat(get("/readyz").statusCode()).isEqualTo(200);
        assertThat(get("/healthz").body()).isEqualTo("ok");

        Cli create = admin("topic", "create", "orders", "--type", "FIFO", "--queues", "4");
        assertThat(create.exitCode).isZero();
        assertThat(create.out).containsPattern("NAME\\s+TYPE\\s+QUEUES").containsPattern("orders\\s+FIFO\\s+4");

        assertThat(admin("topic", "list").out).containsPattern("orders\\s+FIFO\\s+4");
        assertThat(admin("topic", "update", "orders", "--queues", "6").out).containsPattern("orders\\s+FIFO\\s+6");

        Cli group = admin("group", "create", "billing", "--fifo", "--max-delivery-attempts", "5",
                "--retry-initial", "2s", "--retry-max", "1m");
        assertThat(group.exitCode).isZero();
        assertThat(group.out).containsPattern("billing\\s+true\\s+5\\s+2s\\s+2.0\\s+1m");
        assertThat(admin("group", "update", "billing", "--retry-multiplier", "3").out)
                .containsPattern("billing\\s+true\\s+5\\s+2s\\s+3.0\\s+1m");
        assertThat(admin("group", "update", "billing", "--fifo=false").out).containsPattern("billing\\s+false\\s+5");

        Cli lag = admin("consumer-lag", "--group", "billing");
        assertThat(lag.exitCode).isZero();
        assertThat(lag.out).contains("total lag of group 'billing': ");

        assertThat(admin("topic", "delete", "orders").out).contains("deleted topic 'orders'");
        assertThat(admin("group", "delete", "billing").exitCode).isZero();
    }

    @Test
    void shouldExit1WithTheServersMessageWhenRefused() throws Exception {
        start();

        Cli missing = admin("topic", "describe", "nope");
        assertThat(missing.exitCode).isEqualTo(1);
        assertThat(missing.err).contains("error: topic 'nope' not found");

        admin("topic", "create", "orders");
        Cli twice = admin("topic", "create", "orders");
        assertThat(twice.exitCode).isEqualTo(1);
        assertThat(twice.err).contains("orders");

        Cli invalid = admin("topic", "create", "no spaces");
        assertThat(invalid.exitCode).isEqualTo(1);
        assertThat(invalid.err).contains("no spaces");
    }

    @Test
    void shouldKeepTopicsAcrossARestartAndStopServingWhenClosed() throws Exception {
        start();
        assertThat(admin("topic", "create", "orders", "--queues", "3").exitCode).isZero();
        int httpPort = server.httpPort();
        server.close();

        assertThat(server.ready()).isFalse();
        assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/healthz"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(ConnectException.class);

        start();
        assertThat(admin("topic", "describe", "orders").out).containsPattern("orders\\s+NORMAL\\s+3");
    }

    @Test
    void shouldRegisterWithItsEmbeddedControllerAndCopyTopicsAndGroupsIntoIt() throws Exception {
        start();
        assertThat(server.describe()).contains("controller 127.0.0.1:" + server.controllerPort().getAsInt());
        try (ControllerClient controller = controllerClient()) {
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                MetadataImage image = controller.metadata();
                assertThat(image.getBrokersList()).singleElement().satisfies(broker -> {
                    assertThat(broker.getBrokerId()).isEqualTo(ControllerMirror.BROKER_ID);
                    assertThat(broker.getAlive()).isTrue();
                    assertThat(broker.getEndpointsList()).containsExactly("127.0.0.1:" + server.grpcPort());
                });
                assertThat(image.getBrokerGroupsList()).singleElement()
                        .satisfies(group -> assertThat(group.getLeader()).isEqualTo(ControllerMirror.BROKER_ID));
            });
            // the embedded controller's own gauges are on the standalone's /metrics
            assertThat(get("/metrics").body()).containsPattern("sluice_controller_raft_leader\\{[^}]*} 1.0")
                    .containsPattern("rocketmq_active_broker_num\\{[^}]*} 1.0");

            assertThat(admin("topic", "create", "orders", "--type", "FIFO", "--queues", "3").exitCode).isZero();
            assertThat(admin("group", "create", "billing", "--max-delivery-attempts", "5").exitCode).isZero();
            // an admin change answers once the controller holds it: no waiting needed
            assertThat(controller.metadata().getTopicsList()).singleElement().satisfies(topic -> {
                assertThat(topic.getName()).isEqualTo("orders");
                assertThat(topic.getMessageType()).isEqualTo(MessageType.FIFO);
                assertThat(topic.getQueuesList()).hasSize(3)
                        .allSatisfy(queue -> assertThat(queue.getBrokerGroup()).isEqualTo(ControllerMirror.BROKER_GROUP));
            });
            assertThat(controller.metadata().getConsumerGroupsList()).singleElement()
                    .satisfies(group -> assertThat(group.getMaxDeliveryAttempts()).isEqualTo(5));

            assertThat(admin("topic", "update", "orders", "--queues", "5").exitCode).isZero();
            assertThat(controller.metadata().getTopics(0).getQueuesCount()).isEqualTo(5);
            assertThat(admin("group", "delete", "billing").exitCode).isZero();
            assertThat(controller.metadata().getConsumerGroupsList()).isEmpty();

            Cli refused = controllerAdmin("topic", "create", "direct");
            assertThat(refused.exitCode).isEqualTo(1);
            assertThat(refused.err).contains("sluice admin --server");
            assertThat(controllerAdmin("topic", "list").out).containsPattern("orders\\s+FIFO\\s+5");
        }

        server.close();
        start();
        try (ControllerClient controller = controllerClient()) {
            assertThat(controller.metadata().getTopicsList()).extracting(Topic::getName).containsExactly("orders");
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(controller.metadata()
                    .getBrokers(0).getEndpointsList()).containsExactly("127.0.0.1:" + server.grpcPort()));
        }
    }

    @Test
    void shouldFailAnAdminChangeTheControllerDidNotTakeAndCatchUpLater() throws Exception {
        start();
        try (ControllerClient controller = controllerClient()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> controller.metadata().getBrokerGroupsCount() == 1);
            // a draining group gets no queues: the controller cannot place the topic's queues anywhere
            controller.setDraining(ControllerMirror.BROKER_GROUP, true);

            Cli create = admin("topic", "create", "orders", "--queues", "2");
            assertThat(create.exitCode).isEqualTo(1);
            assertThat(create.err).contains("topic 'orders' was changed on the broker, but the embedded controller "
                    + "did not take the change").contains("no writable broker group");
            assertThat(admin("topic", "describe", "orders").exitCode).as("the broker keeps it").isZero();

            controller.setDraining(ControllerMirror.BROKER_GROUP, false);
            await().atMost(Duration.ofSeconds(20)).until(() -> controller.metadata().getTopicsCount() == 1);
        }
    }

    @Test
    void shouldRunWithoutAControllerWhenDisabled() {
        server = new StandaloneServer(config(Map.of("controller.enabled", "false")));
        server.start();

        assertThat(server.controllerPort()).isEmpty();
        assertThat(server.describe()).contains("no controller");
        assertThat(admin("topic", "create", "orders").exitCode).isZero();
        assertThat(dataDir.resolve("controller")).doesNotExist();
    }

    private void start() {
        server = new StandaloneServer(config(Map.of()));
        server.start();
    }

    private SluiceConfig config(Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>(Map.of(
                "data-dir", dataDir.toString(), "host", "127.0.0.1", "grpc.port", "0", "http.port", "0",
                "store.segment-size", "1MiB", "grpc.shutdown-grace", "1s", "controller.port", "0"));
        settings.putAll(extra);
        return SluiceConfig.load(Optional.empty(), settings);
    }

    private ControllerClient controllerClient() {
        return ControllerClient.connect(List.of("127.0.0.1:" + server.controllerPort().getAsInt()),
                Duration.ofSeconds(10));
    }

    private Cli controllerAdmin(String... args) {
        return run("--controller", "127.0.0.1:" + server.controllerPort().getAsInt(), args);
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private record Cli(int exitCode, String out, String err) {
    }

    private Cli admin(String... args) {
        return run("--server", "127.0.0.1:" + server.grpcPort(), args);
    }

    private static Cli run(String targetFlag, String target, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        String[] full = new String[args.length + 3];
        full[0] = "admin";
        full[1] = targetFlag;
        full[2] = target;
        System.arraycopy(args, 0, full, 3, args.length);
        int exitCode = commandLine.execute(full);
        return new Cli(exitCode, out.toString(), err.toString());
    }
}
