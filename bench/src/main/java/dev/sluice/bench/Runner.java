package dev.sluice.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a scenario once against the endpoint, or alternately against two endpoints for
 * --compare, and prints the human table(s) and the single JSON line on stdout.
 */
public final class Runner {

    private final PrintStream out;

    public Runner(PrintStream out) {
        this.out = out;
    }

    public void run(Scenario scenario) throws Exception {
        CommonOptions c = scenario.common();
        if (c.noAdmin && c.topic == null) {
            throw new IllegalArgumentException("--no-admin needs --topic: the topic must exist on the broker beforehand");
        }
        // a bad --ramp is refused before topics and consumers are set up, not when sending starts
        c.ramp();
        if (c.compare == null) {
            Report report = runOnce(scenario, c.endpoint, c.serverPid);
            out.print(report.toTable());
            emit(c, report.toJson());
            return;
        }
        if (c.rounds < 1) {
            throw new IllegalArgumentException("--rounds must be at least 1");
        }
        List<Report> a = new ArrayList<>();
        List<Report> b = new ArrayList<>();
        for (int round = 1; round <= c.rounds; round++) {
            System.err.printf("%s round %d/%d: A %s%n", scenario.name(), round, c.rounds, c.endpoint);
            a.add(runOnce(scenario, c.endpoint, c.serverPid));
            out.print(a.get(a.size() - 1).toTable());
            System.err.printf("%s round %d/%d: B %s%n", scenario.name(), round, c.rounds, c.compare);
            b.add(runOnce(scenario, c.compare, c.compareServerPid));
            out.print(b.get(b.size() - 1).toTable());
        }
        Comparison comparison = new Comparison(a, b);
        out.print(comparison.toTable());
        emit(c, comparison.toJson());
    }

    private static Report runOnce(Scenario scenario, String endpoint, Long serverPid) throws Exception {
        CommonOptions c = scenario.common();
        AdminTopics admin = c.noAdmin ? null : new AdminTopics(endpoint, c.tls, c.keepTopics);
        Target target;
        try {
            target = new Target(endpoint, serverPid, c.tls, c.requestTimeout, admin, c.topic);
        } catch (RuntimeException e) {
            if (admin != null) {
                admin.close();
            }
            throw e;
        }
        try (target) {
            return scenario.run(target);
        }
    }

    private void emit(CommonOptions c, String jsonLine) throws IOException {
        out.println(jsonLine);
        out.flush();
        if (c.jsonOut != null) {
            Files.writeString(c.jsonOut, jsonLine + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }
}
