package dev.sluice.it;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code bin/sluice standalone} server in its own OS process, bound to 127.0.0.1.
 *
 * <p>Its stdout and stderr go to a log file (appended across restarts) which is also where the
 * readiness line {@code SLUICE_READY grpc=<port> http=<port> controller=<port>} is looked for: writing to a file
 * instead of a pipe means the server can never stall on output nobody reads. The first start asks
 * for ephemeral ports; {@link #restart()} asks for the same ports again so clients built before a
 * crash keep a valid endpoint.
 */
final class SluiceProcess implements AutoCloseable {

    static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern READY = Pattern.compile("SLUICE_READY grpc=(\\d+) http=(\\d+)(?: controller=(\\d+))?");
    private static final int LOG_TAIL_LINES = 400;

    /** Servers still running, killed by a shutdown hook if the test JVM exits without closing them. */
    private static final Set<SluiceProcess> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(
                () -> RUNNING.forEach(SluiceProcess::killTree), "sluice-it-reaper"));
    }

    private final SluiceInstallation installation;
    private final Path dataDir;
    private final Path logFile;
    private final List<String> options;
    /** 0: the server inherits the test JVM's open-files limit. */
    private final int openFilesLimit;
    private Process process;
    private int grpcPort;
    private int httpPort;
    /** 0 while the server runs without its embedded controller. */
    private int controllerPort;
    private int starts;

    private SluiceProcess(SluiceInstallation installation, Path dataDir, Path logFile, List<String> options,
            int openFilesLimit) {
        this.installation = installation;
        this.dataDir = dataDir;
        this.logFile = logFile;
        this.options = List.copyOf(options);
        this.openFilesLimit = openFilesLimit;
    }

    /**
     * Starts a server and waits until it prints its readiness line.
     *
     * @param options extra arguments for {@code standalone}, e.g. {@code --flush-policy SYNC}
     */
    static SluiceProcess start(SluiceInstallation installation, Path dataDir, Path logFile, List<String> options)
            throws IOException, InterruptedException {
        return start(installation, dataDir, logFile, options, 0);
    }

    /**
     * Starts a server, at every start, under an open-files limit ({@code prlimit}, util-linux) of
     * {@code openFilesLimit}, as on a node configured that way.
     */
    static SluiceProcess start(SluiceInstallation installation, Path dataDir, Path logFile, List<String> options,
            int openFilesLimit) throws IOException, InterruptedException {
        Files.createDirectories(dataDir);
        Files.createDirectories(logFile.getParent());
        SluiceProcess server = new SluiceProcess(installation, dataDir, logFile, options, openFilesLimit);
        server.launch(0, 0, 0);
        return server;
    }

    /** Starts the server again on the same data directory and ports; it must not be running. */
    void restart() throws IOException, InterruptedException {
        if (isAlive()) {
            throw new IllegalStateException("restart() needs a stopped server: call kill9() or stop() first");
        }
        launch(grpcPort, httpPort, controllerPort);
    }

    /** SIGKILL to the server (and any process bin/sluice spawned): no shutdown hook, no flush. */
    void kill9() throws InterruptedException {
        List<ProcessHandle> tree = processTree();
        tree.forEach(ProcessHandle::destroyForcibly);
        if (!awaitExit(tree, Duration.ofSeconds(15))) {
            throw new IllegalStateException("sluice still runs 15 s after SIGKILL: " + tree);
        }
        RUNNING.remove(this);
        appendToLog("=== harness: kill -9 sent ===");
    }

    /**
     * SIGTERM and wait for a clean exit. A server still running after {@link #STOP_TIMEOUT} is
     * killed and reported as a failure, since stopping cleanly on SIGTERM is part of its contract.
     *
     * @return the launcher's exit code
     */
    int stop() throws InterruptedException {
        List<ProcessHandle> tree = processTree();
        appendToLog("=== harness: SIGTERM sent ===");
        tree.forEach(ProcessHandle::destroy);
        boolean exited = awaitExit(tree, STOP_TIMEOUT);
        if (!exited) {
            killTree();
            RUNNING.remove(this);
            throw new AssertionError("sluice did not stop within " + STOP_TIMEOUT.toSeconds()
                    + " s of SIGTERM; it was killed. Log " + logFile + ":\n" + logTail());
        }
        RUNNING.remove(this);
        return process.exitValue();
    }

    /**
     * Lowers the open-files limit of the running server's JVM to what it holds now plus
     * {@code headroom} ({@code prlimit}, util-linux): the next files it opens fail with "Too many
     * open files", as on a node whose limit is too low for its queues.
     */
    void limitOpenFiles(int headroom) throws IOException, InterruptedException {
        ProcessHandle java = processTree().get(0);
        long open;
        try (var descriptors = Files.list(Path.of("/proc", Long.toString(java.pid()), "fd"))) {
            open = descriptors.count();
        }
        long limit = open + headroom;
        Process prlimit = new ProcessBuilder("prlimit", "--pid", Long.toString(java.pid()),
                "--nofile=" + limit + ":" + limit).redirectErrorStream(true).start();
        String output = new String(prlimit.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!prlimit.waitFor(10, TimeUnit.SECONDS) || prlimit.exitValue() != 0) {
            throw new IllegalStateException("prlimit failed: " + output);
        }
        appendToLog("=== harness: open files limited to " + limit + " (" + open + " open) ===");
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The address an official client is given: {@code 127.0.0.1:<grpc port>}. */
    String grpcEndpoint() {
        return "127.0.0.1:" + grpcPort;
    }

    int grpcPort() {
        return grpcPort;
    }

    int httpPort() {
        return httpPort;
    }

    /** The embedded controller's API address, {@code 127.0.0.1:<port>}. */
    String controllerEndpoint() {
        if (controllerPort == 0) {
            throw new IllegalStateException("this server runs without its embedded controller");
        }
        return "127.0.0.1:" + controllerPort;
    }

    Path dataDir() {
        return dataDir;
    }

    Path logFile() {
        return logFile;
    }

    /** The last lines of the server's log, for failure messages. */
    String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            int from = Math.max(0, lines.size() - LOG_TAIL_LINES);
            return String.join("\n", lines.subList(from, lines.size()));
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (isAlive()) {
            stop();
        }
    }

    private void launch(int requestedGrpcPort, int requestedHttpPort, int requestedControllerPort)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        if (openFilesLimit > 0) {
            command.addAll(List.of("prlimit", "--nofile=" + openFilesLimit + ":" + openFilesLimit, "--"));
        }
        command.addAll(List.of(
                installation.launcher().toString(), "standalone",
                "--host", "127.0.0.1",
                "--data-dir", dataDir.toString(),
                "--grpc-port", Integer.toString(requestedGrpcPort),
                "--http-port", Integer.toString(requestedHttpPort),
                "--controller-port", Integer.toString(requestedControllerPort)));
        command.addAll(options);
        starts++;
        appendToLog("=== harness: start #" + starts + ": " + String.join(" ", command) + " ===");
        long logOffset = Files.size(logFile);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(installation.home().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        process = builder.start();
        RUNNING.add(this);
        awaitReady(logOffset);
    }

    private void awaitReady(long logOffset) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher ready = READY.matcher(logSince(logOffset));
            if (ready.find()) {
                grpcPort = Integer.parseInt(ready.group(1));
                httpPort = Integer.parseInt(ready.group(2));
                controllerPort = ready.group(3) == null ? 0 : Integer.parseInt(ready.group(3));
                return;
            }
            if (!process.isAlive()) {
                RUNNING.remove(this);
                throw new IllegalStateException("sluice exited with code " + process.exitValue()
                        + " before printing SLUICE_READY. Log " + logFile + ":\n" + logTail());
            }
            Thread.sleep(100);
        }
        killTree();
        RUNNING.remove(this);
        throw new IllegalStateException("sluice printed no SLUICE_READY line within " + START_TIMEOUT.toSeconds()
                + " s; it was killed. Log " + logFile + ":\n" + logTail());
    }

    private String logSince(long offset) throws IOException {
        byte[] all = Files.readAllBytes(logFile);
        int from = (int) Math.min(offset, all.length);
        return new String(all, from, all.length - from, StandardCharsets.UTF_8);
    }

    private void appendToLog(String line) {
        try {
            Files.writeString(logFile, line + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + logFile, e);
        }
    }

    /** Children first: bin/sluice may be a script that runs java as a child rather than exec-ing it. */
    private List<ProcessHandle> processTree() {
        if (process == null) {
            return List.of();
        }
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        return tree;
    }

    private void killTree() {
        processTree().forEach(ProcessHandle::destroyForcibly);
    }

    private static boolean awaitExit(List<ProcessHandle> tree, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (ProcessHandle handle : tree) {
            long left = deadline - System.nanoTime();
            try {
                handle.onExit().get(Math.max(0, left), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return false;
            } catch (ExecutionException e) {
                throw new IllegalStateException("waiting for process " + handle.pid() + " failed", e);
            }
        }
        return true;
    }
}
