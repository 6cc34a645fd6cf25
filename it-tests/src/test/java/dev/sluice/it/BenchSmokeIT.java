package dev.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every bin/sluice-bench scenario for a few seconds against a standalone server, run as a user
 * runs it: each must exit 0 and end its output with one JSON line whose figures are consistent
 * (a correct broker loses nothing). Figures are never compared with targets here.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class BenchSmokeIT {

    private static final long BENCH_TIMEOUT_SECONDS = 120;

    @RegisterExtension
    final SluiceExtension sluice = new SluiceExtension();

    @Test
    void produceReportsThroughputAndSendLatency() throws Exception {
        String json = bench("produce", "--duration", "3s", "--warmup", "1s", "--window", "64");

        assertThat(json).startsWith("{\"scenario\":\"produce\"");
        assertThat(number(json, "msgs_per_s")).isPositive();
        assertThat(number(json, "p99_ms")).isPositive();
        assertThat(number(json, "errors")).isZero();
    }

    @Test
    void e2eLosesNothingAndDuplicatesNothing() throws Exception {
        String json = bench("e2e", "--rate", "200", "--duration", "3s", "--warmup", "1s");

        assertThat(number(json, "sent")).isPositive();
        assertThat(number(json, "received")).isEqualTo(number(json, "sent"));
        assertThat(number(json, "lost")).isZero();
        assertThat(number(json, "duplicates")).isZero();
        assertThat(number(json, "p50_ms")).isPositive();
        // the warm-up's messages are reported apart, and the ramp defaults to half of it
        assertThat(number(json, "warmup_p99_ms")).isPositive();
        assertThat(number(json, "ramp_s")).isEqualTo(0.5);
    }

    @Test
    void e2eWithTheSimpleConsumer() throws Exception {
        String json = bench("e2e", "--consumer", "simple", "--rate", "200", "--duration", "2s", "--warmup", "1s");

        assertThat(number(json, "lost")).isZero();
        assertThat(number(json, "duplicates")).isZero();
    }

    @Test
    void backlogIsReadBackCompletelyFromAColdGroup() throws Exception {
        String json = bench("backlog", "--messages", "5000", "--stall", "20s");

        assertThat(number(json, "sent")).isEqualTo(5000);
        assertThat(number(json, "received")).isEqualTo(5000);
        assertThat(number(json, "lost")).isZero();
        assertThat(number(json, "read_msgs_per_s")).isPositive();
    }

    @Test
    void backlogWrittenAndReadByTwoCommandsAroundARestartLosesNothing() throws Exception {
        SluiceProcess server = sluice.start();
        String state = sluice.testDir().resolve("backlog.state").toString();
        String written = run("backlog", List.of("--endpoint", server.grpcEndpoint(), "--messages", "3000",
                "--phase", "write", "--state", state));
        assertThat(number(written, "sent")).isEqualTo(3000);
        assertThat(written).contains("\"received\":null");

        server.stop();
        server.restart();
        String read = run("backlog", List.of("--endpoint", server.grpcEndpoint(), "--phase", "read", "--state", state,
                "--stall", "20s"));

        assertThat(number(read, "sent")).isEqualTo(3000);
        assertThat(number(read, "received")).isEqualTo(3000);
        assertThat(number(read, "lost")).isZero();
        assertThat(number(read, "duplicates")).isZero();
        assertThat(number(read, "write_msgs_per_s")).as("the write phase's figure, carried over")
                .isEqualTo(number(written, "write_msgs_per_s"));
        assertThat(number(read, "read_msgs_per_s")).isPositive();
    }

    @Test
    void queuesComparesManyQueuesWithEight() throws Exception {
        String json = bench("queues", "--topics", "20", "--queues-per-topic", "4", "--duration", "2s", "--warmup", "1s");

        assertThat(number(json, "queues")).isEqualTo(80);
        assertThat(number(json, "ratio")).isPositive();
    }

    @Test
    void delayReportsLatenessOrTheServersRefusal() throws Exception {
        String json = bench("delay", "--rate", "50", "--spread", "2s", "--duration", "2s", "--warmup", "0s");

        if (json.contains("\"status\":\"unsupported\"")) {
            assertThat(json).contains("\"p99_ms\":null").containsPattern("\"reason\":\"[^\"]+");
        } else {
            assertThat(json).contains("\"status\":\"ok\"");
            assertThat(number(json, "lost")).isZero();
            assertThat(number(json, "early")).isZero();
        }
    }

    @Test
    void delayBurstArrivesCompletelyAndNoneEarly() throws Exception {
        String json = bench("delay", "--burst", "300", "--spread", "6s");

        assertThat(json).contains("\"status\":\"ok\"");
        assertThat(number(json, "sent")).isEqualTo(300);
        assertThat(number(json, "received")).isEqualTo(300);
        assertThat(number(json, "early")).isZero();
        assertThat(number(json, "burst_drain_s")).isPositive();
    }

    @Test
    void compareRunsBothEndpointsAndPrintsRatios() throws Exception {
        SluiceProcess other = sluice.start();
        String json = bench("produce", "--compare", other.grpcEndpoint(), "--rounds", "1",
                "--duration", "2s", "--warmup", "1s", "--window", "32");

        assertThat(json).contains("\"compare_endpoint\":\"" + other.grpcEndpoint() + "\"")
                .containsPattern("\"msgs_per_s\":\\{\"a\":[0-9.]+,\"b\":[0-9.]+,\"ratio\":[0-9.]+\\}");
    }

    @Test
    void controllerWritesReportsWritesPerSecondPerThreadCount() throws Exception {
        Path dir = sluice.testDir();
        try (ControllerProcess controller = ControllerProcess.start(SluiceInstallation.locate(),
                dir.resolve("controller"), dir.resolve("controller.log"))) {
            String json = run("controller-writes", List.of("--controller", controller.endpoint(), "--threads", "2",
                    "--duration", "2s", "--warmup", "1s"));

            assertThat(json).startsWith("{\"scenario\":\"controller-writes\"").contains("\"threads\":2");
            assertThat(number(json, "msgs_per_s")).isPositive();
            assertThat(number(json, "errors")).isZero();
        }
    }

    /** Runs bin/sluice-bench against a fresh server and returns the last line of its stdout. */
    private String bench(String scenario, String... options) throws IOException, InterruptedException {
        SluiceProcess server = sluice.start();
        List<String> arguments = new ArrayList<>(List.of("--endpoint", server.grpcEndpoint()));
        arguments.addAll(List.of(options));
        return run(scenario, arguments);
    }

    /** Runs bin/sluice-bench and returns the last line of its stdout. */
    private String run(String scenario, List<String> arguments) throws IOException, InterruptedException {
        Path home = Path.of(System.getProperty(SluiceInstallation.HOME_PROPERTY)).toAbsolutePath();
        Path launcher = home.resolve("bin").resolve("sluice-bench");
        if (!Files.isRegularFile(home.resolve("bench/target/sluice-bench.jar"))) {
            throw new IllegalStateException("bench/target/sluice-bench.jar is missing: build with ./mvnw -q -DskipTests package");
        }
        List<String> command = new ArrayList<>(List.of(launcher.toString(), scenario));
        command.addAll(arguments);
        Path stdout = sluice.testDir().resolve(scenario + ".out");
        Path stderr = sluice.testDir().resolve(scenario + ".err");
        Process bench = new ProcessBuilder(command)
                .directory(home.toFile())
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        if (!bench.waitFor(BENCH_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            bench.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("sluice-bench " + scenario + " still ran after " + BENCH_TIMEOUT_SECONDS + " s; "
                    + Files.readString(stderr, StandardCharsets.UTF_8));
        }
        String out = Files.readString(stdout, StandardCharsets.UTF_8);
        assertThat(bench.exitValue()).as("exit code; stdout:%n%s%nstderr:%n%s", out,
                Files.readString(stderr, StandardCharsets.UTF_8)).isZero();
        List<String> lines = out.lines().toList();
        assertThat(lines).as("a table, then the JSON line").hasSizeGreaterThan(1);
        assertThat(lines.stream().filter(l -> l.startsWith("{")).count()).as("exactly one JSON line").isEqualTo(1);
        return lines.get(lines.size() - 1);
    }

    private static double number(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\":(-?[0-9.]+)").matcher(json);
        assertThat(m.find()).as("%s is a number in %s", field, json).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
