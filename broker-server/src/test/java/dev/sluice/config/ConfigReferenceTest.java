package dev.sluice.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ConfigReferenceTest {

    /** Surefire runs in the module directory; the README is at the repository root. */
    private static final Path README = Path.of("..", "README.md");

    @Test
    void readmeShouldCarryTheGeneratedConfigurationReference() throws IOException {
        String readme = Files.readString(README);

        for (ConfigKey<?> key : ConfigKeys.ALL) {
            assertThat(readme).contains("`" + key.name() + "`");
        }
        assertThat(readme)
                .as("README.md's configuration table is stale; replace it with:%n%s", ConfigReference.markdownTable())
                .contains(ConfigReference.markdownTable());
    }

    @Test
    void keyNamesShouldBeUnique() {
        assertThat(ConfigKeys.ALL.stream().map(ConfigKey::name)).doesNotHaveDuplicates();
    }
}
