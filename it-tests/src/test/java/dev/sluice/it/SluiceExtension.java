package dev.sluice.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives each test its own directory under {@code it-tests/target/it-runs/<class>.<method>/} and
 * the servers it starts there. After the test every server is stopped; when the test failed (or a
 * server would not stop) each server's log is echoed to stderr and the data directories are kept
 * for inspection, otherwise the data directories are deleted (the logs stay).
 *
 * <p>Register as an instance field: {@code @RegisterExtension final SluiceExtension sluice = new SluiceExtension();}
 */
final class SluiceExtension implements BeforeEachCallback, AfterEachCallback {

    private final List<SluiceProcess> servers = new ArrayList<>();
    private SluiceInstallation installation;
    private Path testDir;

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        installation = SluiceInstallation.locate();
        testDir = installation.targetDir().resolve("it-runs")
                .resolve(context.getRequiredTestClass().getSimpleName() + "." + context.getRequiredTestMethod().getName());
        deleteRecursively(testDir);
        Files.createDirectories(testDir);
    }

    /** Starts a server with a fresh data directory; extra {@code standalone} options may follow. */
    SluiceProcess start(String... options) throws IOException, InterruptedException {
        return startWithOpenFilesLimit(0, options);
    }

    /** Starts a server (and restarts it) under an open-files limit; 0 inherits the test JVM's. */
    SluiceProcess startWithOpenFilesLimit(int limit, String... options) throws IOException, InterruptedException {
        String node = "node-" + servers.size();
        SluiceProcess server = SluiceProcess.start(installation, testDir.resolve(node),
                testDir.resolve(node + ".log"), List.of(options), limit);
        servers.add(server);
        return server;
    }

    Admin admin(SluiceProcess server) {
        return new Admin(installation, server.grpcEndpoint(), testDir);
    }

    /** An admin pointed at the server's embedded controller ({@code admin --controller}). */
    Admin controllerAdmin(SluiceProcess server) {
        return Admin.ofController(installation, server.controllerEndpoint(), testDir);
    }

    /** An admin pointed at an arbitrary address, e.g. one where nothing listens. */
    Admin admin(String address) {
        return new Admin(installation, address, testDir);
    }

    Path testDir() {
        return testDir;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        Throwable stopFailure = null;
        for (SluiceProcess server : servers) {
            try {
                server.close();
            } catch (Exception | AssertionError e) {
                if (stopFailure == null) {
                    stopFailure = e;
                } else {
                    stopFailure.addSuppressed(e);
                }
            }
        }
        boolean failed = context.getExecutionException().isPresent() || stopFailure != null;
        if (failed) {
            for (SluiceProcess server : servers) {
                System.err.println("---- " + server.logFile() + " (last lines; data kept in " + server.dataDir()
                        + ") ----\n" + server.logTail() + "\n---- end of " + server.logFile() + " ----");
            }
        } else {
            for (SluiceProcess server : servers) {
                deleteRecursively(server.dataDir());
            }
        }
        servers.clear();
        if (stopFailure instanceof Exception e) {
            throw e;
        }
        if (stopFailure instanceof AssertionError e) {
            throw e;
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
