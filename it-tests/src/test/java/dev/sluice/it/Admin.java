package dev.sluice.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Runs {@code bin/sluice admin --server <address> …} (or {@code --controller <address>}) as a
 * separate process, the way an operator would. Every command and its output is also appended to {@code admin.log} in the test's directory.
 */
final class Admin {

    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
    /** A short-lived CLI: start fast rather than run fast (the shared test machine is slow to start JVMs). */
    private static final String CLI_JAVA_OPTS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx256m";
    private static final Pattern COLUMN_GAP = Pattern.compile("\\s{2,}");

    private final SluiceInstallation installation;
    /** {@code --server ADDRESS} or {@code --controller ADDRESS}. */
    private final List<String> target;
    private final Path workDir;
    private int runs;

    Admin(SluiceInstallation installation, String server, Path workDir) {
        this(installation, List.of("--server", server), workDir);
    }

    private Admin(SluiceInstallation installation, List<String> target, Path workDir) {
        this.installation = installation;
        this.target = List.copyOf(target);
        this.workDir = workDir;
    }

    /** Runs {@code bin/sluice admin --controller <address> …} instead. */
    static Admin ofController(SluiceInstallation installation, String controller, Path workDir) {
        return new Admin(installation, List.of("--controller", controller), workDir);
    }

    /** What one admin command did. */
    record Result(List<String> command, int exitCode, String stdout, String stderr) {

        /** stdout followed by stderr: where a person would look for the message. */
        String output() {
            return stdout + stderr;
        }

        /**
         * The rows of the table the command printed (header line first, columns separated by two or
         * more spaces), each as column name to cell; lines after the table are ignored.
         */
        List<Map<String, String>> table() {
            List<String> lines = stdout.lines().toList();
            if (lines.isEmpty()) {
                throw new AssertionError("no table printed: " + this);
            }
            String[] header = COLUMN_GAP.split(lines.get(0).strip());
            List<Map<String, String>> rows = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                String[] cells = COLUMN_GAP.split(line.strip());
                if (cells.length != header.length) {
                    break;
                }
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 0; i < header.length; i++) {
                    row.put(header[i], cells[i]);
                }
                rows.add(row);
            }
            return rows;
        }

        /** The table row whose NAME column is {@code name}. */
        Map<String, String> row(String name) {
            return table().stream().filter(r -> name.equals(r.get("NAME"))).findFirst()
                    .orElseThrow(() -> new AssertionError("no row named " + name + " in: " + this));
        }

        @Override
        public String toString() {
            return String.join(" ", command) + "\n  exit " + exitCode + "\n  stdout: " + stdout
                    + "\n  stderr: " + stderr;
        }
    }

    /** Runs the command and returns whatever it did. */
    Result run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(installation.launcher().toString(), "admin"));
        command.addAll(target);
        command.addAll(List.of(args));
        runs++;
        Path out = workDir.resolve("admin-" + runs + ".out");
        Path err = workDir.resolve("admin-" + runs + ".err");
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("SLUICE_JAVA_OPTS", CLI_JAVA_OPTS);
        Process process = builder
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
}
