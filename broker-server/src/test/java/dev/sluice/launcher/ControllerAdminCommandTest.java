package dev.sluice.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.controller.client.ControllerClient;
import dev.sluice.controller.server.ControllerConfig;
import dev.sluice.controller.server.ControllerServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code sluice admin --controller …} topic and group commands against a one-node controller. */
class ControllerAdminCommandTest {

    @TempDir
    Path dataDir;

    private ControllerServer controller;

    private record Cli(int exitCode, String out, String err) {
    }

    @BeforeEach
    void start() throws IOException {
        controller = ControllerServer.start(new ControllerConfig("c1",
                List.of(new ControllerConfig.Peer("c1", "127.0.0.1", 0)), dataDir, "127.0.0.1", 0,
                ControllerConfig.DEFAULT_HEARTBEAT_TIMEOUT, false, ControllerConfig.DEFAULT_SNAPSHOT_THRESHOLD, false));
        try (ControllerClient client = ControllerClient.connect(List.of(address()), Duration.ofSeconds(10))) {
            await().atMost(Duration.ofSeconds(15)).until(() -> !client.clusterStatus().getRaftLeader().isEmpty());
            // topics need a broker group to place their queues on
            client.registerBroker("b0", "g0", List.of("127.0.0.1:10911"));
        }
    }

    @AfterEach
    void stop() throws IOException {
        controller.close();
    }

    @Test
    void shouldCreateListDescribeUpdateAndDeleteTopics() {
        Cli created = admin("topic", "create", "orders", "--type", "FIFO", "--queues", "4");
        assertThat(created.exitCode).isZero();
        assertThat(created.out).containsPattern("orders\\s+FIFO\\s+4").containsPattern("(?m)^3\\s+g0\\s+-$");

        assertThat(admin("topic", "create", "payments").out).as("8 queues, NORMAL without flags")
                .containsPattern("payments\\s+NORMAL\\s+8");
        assertThat(admin("topic", "list").out).containsPattern("orders\\s+FIFO\\s+4")
                .containsPattern("payments\\s+NORMAL\\s+8");
        assertThat(admin("topic", "update", "orders", "--queues", "6").out).containsPattern("orders\\s+FIFO\\s+6");
        assertThat(admin("topic", "update", "orders", "--type", "NORMAL").out).containsPattern("orders\\s+NORMAL\\s+6");
        assertThat(admin("topic", "describe", "orders").out).containsPattern("orders\\s+NORMAL\\s+6")
                .containsPattern("QUEUE\\s+BROKER-GROUP\\s+READ-ONLY-GROUPS");

        assertThat(admin("topic", "delete", "orders").out).contains("deleted topic 'orders'");
        assertThat(admin("topic", "list").out).doesNotContain("orders");
    }

    @Test
    void shouldExit1WithTheControllersReasonForBadInputAndUnknownNames() {
        admin("topic", "create", "orders");
        assertFails(admin("topic", "create", "orders"), "topic 'orders' already exists");
        assertFails(admin("topic", "describe", "nope"), "topic 'nope' not found");
        assertFails(admin("topic", "delete", "nope"), "topic 'nope' not found");
        assertFails(admin("topic", "update", "orders", "--queues", "2"), "queue count can only grow");
        assertFails(admin("topic", "create", "big", "--queues", "5000"), "queue count must be 1..1024");
        assertFails(admin("topic", "create", "no spaces"), "'no spaces'");
        assertFails(admin("group", "describe", "nope"), "consumer group 'nope' not found");
        assertFails(admin("group", "update", "nope", "--fifo"), "consumer group 'nope' not found");
        assertFails(admin("group", "delete", "nope"), "consumer group 'nope' not found");
        assertFails(admin("group", "create", "patient", "--max-delivery-attempts", "1001"), "attempts");
        assertFails(admin("group", "create", "backwards", "--retry-initial", "1m", "--retry-max", "1s"),
                "exponential backoff");
    }

    @Test
    void shouldCreateUpdateAndDeleteConsumerGroups() {
        Cli created = admin("group", "create", "billing", "--fifo", "--max-delivery-attempts", "5",
                "--retry-initial", "2s", "--retry-max", "1m");
        assertThat(created.exitCode).isZero();
        assertThat(created.out).containsPattern("billing\\s+true\\s+5\\s+2s\\s+2.0\\s+1m\\s+-");
        assertThat(admin("group", "create", "plain").out).containsPattern("plain\\s+false\\s+16\\s+1s\\s+2.0\\s+1m");

        // flags left out keep the group's values
        assertThat(admin("group", "update", "billing", "--retry-multiplier", "3").out)
                .containsPattern("billing\\s+true\\s+5\\s+2s\\s+3.0\\s+1m");
        assertThat(admin("group", "update", "billing", "--fifo=false", "--retry-steps", "10s,30s").out)
                .containsPattern("billing\\s+false\\s+5\\s+10s\\s+1.0\\s+30s\\s+10s,30s");
        assertThat(admin("group", "list").out).contains("billing").contains("plain");
        assertThat(admin("group", "describe", "plain").out).containsPattern("plain\\s+false\\s+16");

        assertThat(admin("group", "delete", "billing").out).contains("deleted consumer group 'billing'");
        assertThat(admin("group", "list").out).doesNotContain("billing");
        assertThat(admin("group", "create", "mixed", "--retry-steps", "1s", "--retry-initial", "1s").exitCode)
                .as("contradicting flags are a usage error").isEqualTo(2);
    }

    @Test
    void shouldExit1WhenNoControllerAnswers() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Cli unreachable = run("admin", "--controller", "127.0.0.1:" + closedPort, "topic", "list");
        assertFails(unreachable, "cannot reach the controller at 127.0.0.1:" + closedPort);
        assertThat(run("admin", "cluster", "status").exitCode).isEqualTo(2);
        assertThat(run("admin", "--controller", "nowhere", "topic", "list").exitCode).isEqualTo(2);
    }

    private static void assertFails(Cli cli, String message) {
        assertThat(cli.exitCode).as("exit code; stderr: %s", cli.err).isEqualTo(1);
        assertThat(cli.err).startsWith("error: ").contains(message);
    }

    private String address() {
        return "127.0.0.1:" + controller.grpcPort();
    }

    private Cli admin(String... args) {
        List<String> full = new ArrayList<>(List.of("admin", "--controller", address()));
        full.addAll(List.of(args));
        return run(full.toArray(String[]::new));
    }

    private static Cli run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(args);
        return new Cli(exitCode, out.toString(), err.toString());
    }
}
