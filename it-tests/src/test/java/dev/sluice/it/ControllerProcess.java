package dev.sluice.it;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One {@code bin/sluice controller} node, alone in its Raft group, in its own OS process on 127.0.0.1. */
final class ControllerProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final int apiPort;
    private final Path logFile;

    private ControllerProcess(Process process, int apiPort, Path logFile) {
        this.process = process;
        this.apiPort = apiPort;
        this.logFile = logFile;
    }

    /** Starts the node and waits until it logs that it serves. */
    static ControllerProcess start(SluiceInstallation installation, Path dataDir, Path logFile)
            throws IOException, InterruptedException {
        Files.createDirectories(dataDir);
        int raftPort = freePort();
        int apiPort = freePort();
        Process process = new ProcessBuilder(List.of(installation.launcher().toString(), "controller",
                "--id", "c1", "--peers", "c1@127.0.0.1:" + raftPort, "--data-dir", dataDir.toString(),
                "--grpc-port", Integer.toString(apiPort)))
                .directory(installation.home().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        ControllerProcess controller = new ControllerProcess(process, apiPort, logFile);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!Files.readString(logFile, StandardCharsets.UTF_8).contains("controller c1 started")) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                controller.close();
                throw new IllegalStateException("bin/sluice controller did not start; log " + logFile + ":\n"
                        + Files.readString(logFile, StandardCharsets.UTF_8));
            }
            Thread.sleep(100);
        }
        return controller;
    }

    String endpoint() {
        return "127.0.0.1:" + apiPort;
    }

    @Override
    public void close() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
