package dev.sluice.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code bin/sluice admin --server <address> …} as a separate process, the way an operator
 * would. Every command and its output is also appended to {@code admin.log} in the test's directory.
 */
final class Admin {

    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

    private final SluiceInstallation installation;
    private final String server;
    private final Path workDir;
    private int runs;

    Admin(SluiceInstallation installation, String server, Path workDir) {
        this.installation = installation;
        this.server = server;
        this.workDir = workDir;
    }

    /** What one admin command did. */
    record Result(List<String> command, int exitCode, String stdout, String stderr) {

        /** stdout followed by stderr: where a person would look for the message. */
        String output() {
            return stdout + stderr;
        }

        @Override
        public String toString() {
            return String.join(" ", command) + "\n  exit " + exitCode + "\n  stdout: " + stdout
                    + "\n  stderr: " + stderr;
        }
    }

    /** Runs the command and returns whatever it did. */
    Result run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                installation.launcher().toString(), "admin", "--server", server));
        command.addAll(List.of(args));
        runs++;
        Path out = workDir.resolve("admin-" + runs + ".out");
        Path err = workDir.resolve("admin-" + runs + ".err");
        Process process = new ProcessBuilder(command)
                .directory(installation.home().toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .start();
        if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError("admin command still running after " + COMMAND_TIMEOUT.toSeconds()
                    + " s (killed): " + String.join(" ", command));
        }
        Result result = new Result(command, process.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        Files.writeString(workDir.resolve("admin.log"), result + System.lineSeparator(), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return result;
    }

    /** Runs the command and fails the test unless it exits 0. */
    Result ok(String... args) throws IOException, InterruptedException {
        Result result = run(args);
        if (result.exitCode() != 0) {
            throw new AssertionError("admin command failed: " + result);
        }
        return result;
    }

    void createTopic(String name, String type, int queues) throws IOException, InterruptedException {
        ok("topic", "create", name, "--type", type, "--queues", Integer.toString(queues));
    }

    void createGroup(String name) throws IOException, InterruptedException {
        ok("group", "create", name);
    }
}
