package dev.sluice.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.broker.BrokerConfig;
import dev.sluice.store.FlushPolicy;
import dev.sluice.store.StoreConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SluiceConfigTest {

    @TempDir
    Path dir;

    @Test
    void shouldMatchTheRecordDefaultsWhenNothingIsConfigured() {
        SluiceConfig config = SluiceConfig.load(Optional.empty(), Map.of());

        assertThat(config.store()).isEqualTo(StoreConfig.defaults(Path.of("./data")));
        assertThat(config.broker()).isEqualTo(BrokerConfig.DEFAULT);
        assertThat(config.proxy().maxBodyBytes()).isEqualTo(4 * 1024 * 1024);
        assertThat(config.server()).isEqualTo(
                new ServerConfig("0.0.0.0", 8081, 8080, Duration.ofSeconds(10), OptionalInt.of(8082)));
    }

    @Test
    void shouldReadTypedValuesFromAPropertiesFile() throws IOException {
        Path file = write("""
                # comments and blank lines are fine

                store.flush-policy=SYNC
                store.segment-size=64MiB
                store.retention=24h
                store.disk-soft-watermark=0.7
                store.disk-hard-watermark=0.9
                broker.auto-create-topics=true
                broker.auto-create-groups=false
                broker.default-queues=4
                proxy.max-body-size=1MiB
                grpc.port=9081
                http.port=9080
                data-dir=/var/lib/sluice
                """);

        SluiceConfig config = SluiceConfig.load(Optional.of(file), Map.of());

        assertThat(config.store().flushPolicy()).isEqualTo(FlushPolicy.SYNC);
        assertThat(config.store().segmentBytes()).isEqualTo(64L << 20);
        assertThat(config.store().retention()).isEqualTo(Duration.ofHours(24));
        assertThat(config.store().diskSoftWatermark()).isEqualTo(0.7);
        assertThat(config.store().diskHardWatermark()).isEqualTo(0.9);
        assertThat(config.store().dataDir()).isEqualTo(Path.of("/var/lib/sluice"));
        assertThat(config.broker().autoCreateTopics()).isTrue();
        assertThat(config.broker().autoCreateGroups()).isFalse();
        assertThat(config.broker().defaultQueues()).isEqualTo(4);
        assertThat(config.proxy().maxBodyBytes()).isEqualTo(1 << 20);
        assertThat(config.server().grpcPort()).isEqualTo(9081);
        assertThat(config.server().httpPort()).isEqualTo(9080);
    }

    @Test
    void shouldLetCommandLineValuesWinOverTheFile() throws IOException {
        Path file = write("grpc.port=9081\nstore.flush-policy=SYNC\n");

        SluiceConfig config = SluiceConfig.load(Optional.of(file), Map.of("grpc.port", "0"));

        assertThat(config.server().grpcPort()).isZero();
        assertThat(config.store().flushPolicy()).isEqualTo(FlushPolicy.SYNC);
    }

    @Test
    void shouldNameAnUnknownKeyAndSuggestTheClosestOne() throws IOException {
        Path file = write("store.segmnt-size=1GiB\n");

        assertThatThrownBy(() -> SluiceConfig.load(Optional.of(file), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown configuration key 'store.segmnt-size'")
                .hasMessageContaining(file.toString())
                .hasMessageContaining("did you mean 'store.segment-size'");
    }

    @Test
    void shouldNameKeyValueAndWhatIsAllowedForAnInvalidValue() {
        assertThatThrownBy(() -> SluiceConfig.load(Optional.empty(), Map.of("store.flush-policy", "SOMETIMES")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'SOMETIMES'")
                .hasMessageContaining("store.flush-policy")
                .hasMessageContaining("ASYNC or SYNC");
        assertThatThrownBy(() -> SluiceConfig.load(Optional.empty(), Map.of("store.segment-size", "3GiB")))
                .hasMessageContaining("store.segment-size")
                .hasMessageContaining("a size from 64KiB to 1GiB");
        assertThatThrownBy(() -> SluiceConfig.load(Optional.empty(), Map.of("grpc.port", "70000")))
                .hasMessageContaining("grpc.port")
                .hasMessageContaining("0 to 65535");
        assertThatThrownBy(() -> SluiceConfig.load(Optional.empty(), Map.of("broker.auto-create-topics", "yes")))
                .hasMessageContaining("true or false");
        assertThatThrownBy(() -> SluiceConfig.load(Optional.empty(), Map.of("store.retention", "3 days")))
                .hasMessageContaining("store.retention")
                .hasMessageContaining("not a duration");
        assertThatThrownBy(() -> SluiceConfig.load(Optional.empty(), Map.of("store.disk-soft-watermark", "85%")))
                .hasMessageContaining("a fraction above 0 and at most 1");
    }

    @Test
    void shouldReportEveryProblemAtOnce() throws IOException {
        Path file = write("grpc.prot=1\nbroker.default-queues=0\n");

        assertThatThrownBy(() -> SluiceConfig.load(Optional.of(file), Map.of("http.port", "x")))
                .hasMessageContaining("grpc.prot")
                .hasMessageContaining("broker.default-queues")
                .hasMessageContaining("http.port");
    }

    @Test
    void shouldFailOnABadFileValueEvenWhenAFlagOverridesIt() throws IOException {
        Path file = write("grpc.port=eighty\n");

        assertThatThrownBy(() -> SluiceConfig.load(Optional.of(file), Map.of("grpc.port", "8081")))
                .hasMessageContaining("'eighty'");
    }

    @Test
    void shouldRefuseInconsistentSettings() {
        assertThatThrownBy(() -> SluiceConfig.load(Optional.empty(),
                Map.of("store.disk-soft-watermark", "0.96", "store.disk-hard-watermark", "0.9")))
                .hasMessageContaining("store.disk-soft-watermark (0.96) must not be above store.disk-hard-watermark (0.9)");
        assertThatThrownBy(() -> SluiceConfig.load(Optional.empty(),
                Map.of("broker.min-invisible", "1h", "broker.max-invisible", "30m")))
                .hasMessageContaining("broker.min-invisible (1h) must not be above broker.max-invisible (30m)");
        assertThatThrownBy(() -> SluiceConfig.load(Optional.empty(), Map.of("grpc.port", "9000", "http.port", "9000")))
                .hasMessageContaining("they must differ");
        assertThatThrownBy(() -> SluiceConfig.load(Optional.empty(), Map.of("controller.port", "8081")))
                .hasMessageContaining("grpc.port and controller.port are both 8081");
    }

    @Test
    void shouldRunNoControllerWhenDisabled() {
        SluiceConfig config = SluiceConfig.load(Optional.empty(),
                Map.of("controller.enabled", "false", "controller.port", "8081"));

        assertThat(config.server().controllerPort()).isEmpty();
    }

    @Test
    void shouldAllowBothPortsZero() {
        SluiceConfig config = SluiceConfig.load(Optional.empty(), Map.of("grpc.port", "0", "http.port", "0"));

        assertThat(config.server().grpcPort()).isZero();
        assertThat(config.server().httpPort()).isZero();
    }

    @Test
    void shouldSayWhenTheConfigFileIsMissing() {
        Path missing = dir.resolve("nope.properties");

        assertThatThrownBy(() -> SluiceConfig.load(Optional.of(missing), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("config file " + missing + " does not exist");
    }

    private Path write(String properties) throws IOException {
        return Files.writeString(dir.resolve("sluice.properties"), properties);
    }
}
