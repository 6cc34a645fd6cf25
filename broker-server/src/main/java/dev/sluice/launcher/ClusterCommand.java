package dev.sluice.launcher;

import dev.sluice.controller.admin.ClusterStatusCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code sluice admin --controller HOST:PORT cluster status}: the controller's view of the cluster. */
@Command(name = "cluster", mixinStandardHelpOptions = true, description = "Cluster state kept by the controller.")
final class ClusterCommand implements Runnable {

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
        if (!admin.onController()) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "cluster status needs --controller HOST:PORT (the controller API address)");
        }
        return admin.executeOnController((client, out) -> ClusterStatusCommand.print(client.clusterStatus(), out));
    }
}
