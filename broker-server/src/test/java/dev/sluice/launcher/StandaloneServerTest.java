package dev.sluice.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.config.SluiceConfig;
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

    private void start() {
        SluiceConfig config = SluiceConfig.load(Optional.empty(), Map.of(
                "data-dir", dataDir.toString(), "host", "127.0.0.1", "grpc.port", "0", "http.port", "0",
                "store.segment-size", "1MiB", "grpc.shutdown-grace", "1s"));
        server = new StandaloneServer(config);
        server.start();
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private record Cli(int exitCode, String out, String err) {
    }

    private Cli admin(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        String[] full = new String[args.length + 3];
        full[0] = "admin";
        full[1] = "--server";
        full[2] = "127.0.0.1:" + server.grpcPort();
        System.arraycopy(args, 0, full, 3, args.length);
        int exitCode = commandLine.execute(full);
        return new Cli(exitCode, out.toString(), err.toString());
    }
}
