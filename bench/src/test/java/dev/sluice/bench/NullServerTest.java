package dev.sluice.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Server;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class NullServerTest {

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void theOfficialClientProducesToItWithoutErrors(@TempDir Path dir) throws Exception {
        Server server = NullServerCommand.start(0, 4);
        try {
            Path json = dir.resolve("run.json");
            int exit = BenchMain.commandLine().execute("produce",
                    "--endpoint", "127.0.0.1:" + server.getPort(), "--no-admin", "--topic", "AnyTopic",
                    "--duration", "2s", "--warmup", "0s", "--window", "16", "--json-out", json.toString());

            assertThat(exit).isZero();
            Matcher sent = Pattern.compile("\"sent\":(\\d+),").matcher(Files.readString(json));
            assertThat(sent.find()).isTrue();
            assertThat(Long.parseLong(sent.group(1))).isPositive();
            assertThat(Files.readString(json)).contains("\"errors\":0,");
        } finally {
            server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void refusesARouteWithoutQueues() {
        assertThatThrownBy(() -> NullServerCommand.start(0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
