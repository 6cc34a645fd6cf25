package dev.sluice.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class WarmupDefaultsTest {

    @Test
    void e2eWarmsUpLongerThanTheOtherScenariosUnlessTold() {
        assertThat(parse(new EndToEndScenario()).warmup).isEqualTo(Duration.ofSeconds(60));
        assertThat(parse(new ProduceScenario()).warmup).isEqualTo(Duration.ofSeconds(20));
        assertThat(parse(new EndToEndScenario(), "--warmup", "5s").warmup).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void theRampIsHalfTheWarmUpUnlessToldAndMustFitInIt() {
        assertThat(parse(new EndToEndScenario()).ramp()).isEqualTo(Duration.ofSeconds(30));
        assertThat(parse(new EndToEndScenario(), "--warmup", "10s", "--ramp", "0s").ramp()).isEqualTo(Duration.ZERO);
        CommonOptions tooLong = parse(new ProduceScenario(), "--warmup", "10s", "--ramp", "11s");
        assertThatThrownBy(tooLong::ramp).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--ramp");
    }

    @Test
    void aRampLongerThanTheWarmUpIsRefusedBeforeAnythingIsSetUp() {
        EndToEndScenario scenario = new EndToEndScenario();
        parse(scenario, "--warmup", "10s", "--ramp", "11s");
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        // nothing listens on port 1: setting anything up would fail differently, or wait for a timeout
        assertThatThrownBy(() -> new Runner(new PrintStream(out)).run(scenario))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--ramp");
        assertThat(out.size()).as("nothing printed").isZero();
    }

    private static CommonOptions parse(Scenario scenario, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "--endpoint=127.0.0.1:1";
        System.arraycopy(args, 0, all, 1, args.length);
        new CommandLine(scenario).parseArgs(all);
        return scenario.common();
    }
}
