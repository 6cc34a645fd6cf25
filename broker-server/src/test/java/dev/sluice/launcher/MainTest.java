package dev.sluice.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line parsed in-process: exit codes and messages a script relies on. */
class MainTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void shouldExitWithUsageErrorWithoutACommand() {
        assertThat(run()).isEqualTo(2);
        assertThat(err.toString()).contains("missing command");
    }

    @Test
    void shouldPrintHelpWithTheCommands() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("standalone").contains("admin");
    }

    @Test
    void shouldExitWithUsageErrorForUnknownOptions() {
        assertThat(run("standalone", "--grpc-prot", "1")).isEqualTo(2);
        assertThat(err.toString()).contains("--grpc-prot");
    }

    @Test
    void shouldFailStartupWithExit2NamingAnUnknownConfigKey() throws IOException {
        Path file = Files.writeString(dir.resolve("sluice.properties"), "broker.auto-create-topic=true\n");

        assertThat(run("standalone", "--config", file.toString(), "--data-dir", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("unknown configuration key 'broker.auto-create-topic'")
                .contains("did you mean 'broker.auto-create-topics'");
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void shouldRefuseBadControllerArgumentsWithExit2BeforeStartingAnything() {
        Path data = dir.resolve("controller");

        assertThat(run("controller", "--id", "c1", "--peers", "c1@127.0.0.1:9870", "--data-dir", data.toString(),
                "--http-port", "99999")).isEqualTo(2);
        assertThat(err.toString()).contains("--http-port must be a TCP port from 0 to 65535, not 99999");

        assertThat(run("controller", "--id", "c4", "--peers", "c1@127.0.0.1:9870", "--data-dir", data.toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--id c4 is not in --peers");

        assertThat(run("controller", "--id", "c1", "--peers", "c1@127.0.0.1:port", "--data-dir", data.toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--peers: ");
        assertThat(data).doesNotExist();
    }

    @Test
    void shouldFailStartupWithExit2ForAnInvalidFlagValue() {
        assertThat(run("standalone", "--grpc-port", "http", "--data-dir", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("invalid value 'http' for grpc.port");

        assertThat(run("standalone", "--flush-policy", "NEVER", "--data-dir", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("ASYNC or SYNC");

        assertThat(run("standalone", "--set", "store.segment-size=1TB", "--data-dir", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("store.segment-size");
    }

    @Test
    void shouldTranslateFlagsIntoConfigurationKeys() {
        StandaloneCommand standalone = new StandaloneCommand();
        new CommandLine(standalone).parseArgs("--data-dir", "/d", "--grpc-port", "0", "--http-port", "0",
                "--host", "127.0.0.1", "--flush-policy", "SYNC", "--auto-create-topics", "--controller-port", "0",
                "--no-controller", "--set", "store.retention=1h", "--set", "grpc.port=5");

        assertThat(standalone.overrides()).containsExactlyInAnyOrderEntriesOf(java.util.Map.of(
                "data-dir", "/d", "grpc.port", "0", "http.port", "0", "host", "127.0.0.1",
                "store.flush-policy", "SYNC", "broker.auto-create-topics", "true", "store.retention", "1h",
                "controller.port", "0", "controller.enabled", "false"));
    }

    @Test
    void shouldRejectAMalformedServerAddress() {
        assertThat(run("admin", "--server", "localhost", "topic", "list")).isEqualTo(2);
        assertThat(err.toString()).contains("expected HOST:PORT");
    }

    @Test
    void shouldRequireTheTopicName() {
        assertThat(run("admin", "topic", "create")).isEqualTo(2);
        assertThat(err.toString()).contains("NAME");
    }

    @Test
    void shouldRejectAnUnknownTopicType() {
        assertThat(run("admin", "topic", "create", "orders", "--type", "PRIORITY")).isEqualTo(2);
        assertThat(err.toString()).contains("NORMAL, FIFO, DELAY, TRANSACTION");
    }

    @Test
    void shouldRejectAMalformedRetryDuration() {
        assertThat(run("admin", "group", "create", "g", "--retry-initial", "1 sec")).isEqualTo(2);
        assertThat(err.toString()).contains("--retry-initial").contains("not a duration");
    }

    @Test
    void shouldRequireTheTopicToListTransactions() {
        assertThat(run("admin", "tx", "list")).isEqualTo(2);
    }

    @Test
    void shouldRequireTheGroupForConsumerLag() {
        assertThat(run("admin", "consumer-lag")).isEqualTo(2);
        assertThat(err.toString()).contains("--group");
    }

    @Test
    void shouldExit1WhenNoServerAnswers() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        assertThat(run("admin", "--server", "127.0.0.1:" + closedPort, "topic", "list")).isEqualTo(1);
        assertThat(err.toString()).contains("cannot reach Sluice at 127.0.0.1:" + closedPort);
    }

    private int run(String... args) {
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }
}
