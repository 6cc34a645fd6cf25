package dev.sluice.launcher;

import dev.sluice.controller.admin.ClusterStatusCommand;
import dev.sluice.controller.client.ControllerClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code sluice admin --controller HOST:PORT cluster status}: the controller's view of the cluster. */
@Command(name = "cluster", mixinStandardHelpOptions = true, description = "Cluster state kept by the controller.")
final class ClusterCommand implements Runnable {

    private static final Duration DEADLINE = Duration.ofSeconds(10);

    @ParentCommand
    AdminCommand admin;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: status");
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Controller nodes with leader and term, broker groups with leader, epoch and in-sync "
                    + "replicas, and which broker group serves each topic queue.")
    int status() {
        List<String> controllers = admin.controllers();
        if (controllers.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "cluster status needs --controller HOST:PORT (the controller API address)");
        }
        PrintWriter out = spec.commandLine().getOut();
        try (ControllerClient client = ControllerClient.connect(controllers, DEADLINE)) {
            ClusterStatusCommand.print(client.clusterStatus(), out);
        }
        return 0;
    }
}
