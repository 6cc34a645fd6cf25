package dev.sluice.it;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The built Sluice the tests run: {@code bin/sluice} plus the packaged broker-server jar, found
 * through the {@code sluice.home} system property that failsafe sets to the repository root.
 * A missing piece fails the test with what to run instead of skipping it.
 */
record SluiceInstallation(Path home, Path launcher) {

    static final String HOME_PROPERTY = "sluice.home";
    private static final Path PACKAGED_JAR = Path.of("broker-server", "target", "sluice-broker-server.jar");
    private static final Path PACKAGED_LIBS = Path.of("broker-server", "target", "lib");

    static SluiceInstallation locate() {
        String configured = System.getProperty(HOME_PROPERTY);
        if (configured == null || configured.isBlank()) {
            throw new IllegalStateException("system property " + HOME_PROPERTY
                    + " is not set: run the it-tests through Maven (failsafe sets it to the repository root)");
        }
        Path home = Path.of(configured).toAbsolutePath().normalize();
        Path launcher = home.resolve("bin").resolve("sluice");
        if (!Files.isRegularFile(launcher)) {
            throw new IllegalStateException("no launcher at " + launcher + ": the it-tests need bin/sluice");
        }
        if (!Files.isExecutable(launcher)) {
            throw new IllegalStateException(launcher + " is not executable (chmod +x it)");
        }
        Path jar = home.resolve(PACKAGED_JAR);
        Path libs = home.resolve(PACKAGED_LIBS);
        if (!Files.isRegularFile(jar) || !Files.isDirectory(libs)) {
            throw new IllegalStateException("no packaged server at " + jar + " (with its dependencies in " + libs
                    + "): build it first, e.g. ./mvnw -q -DskipTests package (the reactor packages"
                    + " broker-server before it-tests)");
        }
        return new SluiceInstallation(home, launcher);
    }

    Path targetDir() {
        return home.resolve("it-tests").resolve("target");
    }
}
