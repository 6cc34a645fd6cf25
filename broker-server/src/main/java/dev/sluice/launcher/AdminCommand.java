package dev.sluice.launcher;

import dev.sluice.admin.AdminClient;
import dev.sluice.controller.client.ControllerClient;
import dev.sluice.proto.admin.v1.GetConsumerLagRequest;
import dev.sluice.proto.admin.v1.GetConsumerLagResponse;
import dev.sluice.proto.admin.v1.ListTimersRequest;
import dev.sluice.proto.admin.v1.ListTimersResponse;
import dev.sluice.proto.admin.v1.QueueLag;
import dev.sluice.proto.admin.v1.TopicTimers;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sluice admin}: topics, consumer groups and lag through a server's admin gRPC API. */
@Command(name = "admin", mixinStandardHelpOptions = true,
        description = "Manage topics and consumer groups of a running Sluice.",
        subcommands = {TopicCommand.class, GroupCommand.class, DeadLetterCommand.class, MessageCommand.class,
                TransactionCommand.class,
                ClusterCommand.class})
final class AdminCommand implements Runnable {

    /** One admin operation; its StatusRuntimeException becomes the command's error message. */
    interface AdminCall {
        void run(AdminClient client, PrintWriter out);
    }

    /** One operation against the controller; its StatusRuntimeException becomes the command's error message. */
    interface ControllerCall {
        void run(ControllerClient client, PrintWriter out);
    }

    /** How long one controller command may take, retries on other controller nodes included. */
    static final Duration CONTROLLER_DEADLINE = Duration.ofSeconds(10);

    @Spec
    CommandSpec spec;

    @Option(names = "--server", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8081",
            converter = ServerAddressConverter.class, description = "Sluice gRPC address (default ${DEFAULT-VALUE}).")
    String server;

    @Option(names = "--controller", paramLabel = "HOST:PORT", split = ",", converter = ServerAddressConverter.class,
            description = "Controller API address(es); any node answers. Topic and group commands then work on "
                    + "the controller's metadata instead of --server's; cluster commands need it.")
    List<String> controllers;

    /** Whether the command goes to the controller ({@code --controller} given) rather than {@code --server}. */
    boolean onController() {
        return controllers != null && !controllers.isEmpty();
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: topic, group, consumer-lag, timers, tx, dlq, message or cluster");
    }

    @Command(name = "consumer-lag", mixinStandardHelpOptions = true,
            description = "Show a consumer group's backlog per topic queue.")
    int consumerLag(@Option(names = "--group", required = true, paramLabel = "GROUP") String group) {
        return execute((client, out) -> {
            GetConsumerLagResponse lag = client.call().getConsumerLag(
                    GetConsumerLagRequest.newBuilder().setGroup(group).build());
            Table table = new Table("TOPIC", "QUEUE", "ACKED-OFFSET", "MAX-OFFSET", "IN-FLIGHT", "LAG");
            for (QueueLag queue : lag.getQueuesList()) {
                table.row(queue.getTopic(), queue.getQueueId(), queue.getAckedOffset(), queue.getMaxOffset(),
                        queue.getInFlight(), queue.getLag());
            }
            table.print(out);
            out.println("total lag of group '" + lag.getGroup() + "': " + lag.getTotalLag());
        });
    }

    @Command(name = "timers", mixinStandardHelpOptions = true,
            description = "Show scheduled (DELAY) messages not yet due: how many per topic and when the next is due.")
    int timers(@Option(names = "--topic", paramLabel = "TOPIC", description = "Only this topic.") String topic) {
        return execute((client, out) -> {
            ListTimersResponse timers = client.call().listTimers(
                    ListTimersRequest.newBuilder().setTopic(topic == null ? "" : topic).build());
            Table table = new Table("TOPIC", "PENDING", "NEXT-DUE");
            for (TopicTimers t : timers.getTopicsList()) {
                table.row(t.getTopic(), t.getPending(), Instant.ofEpochMilli(t.getNextDueMillis()));
            }
            table.print(out);
        });
    }

    /** Runs one call against {@code --server}; 0 on success, 1 with the server's message on stderr otherwise. */
    int execute(AdminCall call) {
        return report(() -> {
            try (AdminClient client = AdminClient.connect(server)) {
                call.run(client, spec.commandLine().getOut());
            }
        }, "Sluice at " + server, AdminClient.DEADLINE_SECONDS);
    }

    /** Runs one call against {@code --controller}; 0 on success, 1 with the controller's message otherwise. */
    int executeOnController(ControllerCall call) {
        return report(() -> {
            try (ControllerClient client = ControllerClient.connect(controllers, CONTROLLER_DEADLINE)) {
                call.run(client, spec.commandLine().getOut());
            }
        }, "the controller at " + String.join(",", controllers), CONTROLLER_DEADLINE.toSeconds());
    }

    private int report(Runnable call, String target, long deadlineSeconds) {
        try {
            call.run();
            spec.commandLine().getOut().flush();
            return 0;
        } catch (StatusRuntimeException e) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("error: " + explain(e.getStatus(), target, deadlineSeconds));
            err.flush();
            return Main.EXIT_FAILED;
        }
    }

    private static String explain(Status status, String target, long deadlineSeconds) {
        if (status.getCode() == Status.Code.UNAVAILABLE && status.getCause() != null) {
            // raised by the client itself: nobody answered
            return "cannot reach " + target + ": " + status.getCause().getMessage();
        }
        if (status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
            return "no answer from " + target + " within " + deadlineSeconds + "s";
        }
        String description = status.getDescription();
        return description == null || description.isBlank() ? status.getCode().name() : description;
    }
}
