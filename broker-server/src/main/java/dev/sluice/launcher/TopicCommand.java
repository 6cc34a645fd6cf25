package dev.sluice.launcher;

import dev.sluice.admin.AdminMessages;
import dev.sluice.cluster.ControllerProtos;
import dev.sluice.proto.admin.v1.CreateTopicRequest;
import dev.sluice.proto.admin.v1.DeleteTopicRequest;
import dev.sluice.proto.admin.v1.GetTopicRequest;
import dev.sluice.proto.admin.v1.ListTopicsRequest;
import dev.sluice.proto.admin.v1.Topic;
import dev.sluice.proto.admin.v1.TopicType;
import dev.sluice.proto.admin.v1.UpdateTopicRequest;
import dev.sluice.proto.controller.v1.MessageType;
import dev.sluice.proto.controller.v1.QueueAssignment;
import dev.sluice.store.MessageKind;
import io.grpc.Status;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sluice admin topic create|update|list|describe|delete}: against the broker's admin API,
 * or with {@code --controller} against the controller's metadata.
 */
@Command(name = "topic", mixinStandardHelpOptions = true, description = "Create, change, list, show or delete topics.")
final class TopicCommand implements Runnable {

    /** The controller knows no broker.default-queues: a topic created through it without --queues gets this. */
    static final int CONTROLLER_DEFAULT_QUEUES = 8;

    @ParentCommand
    AdminCommand admin;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "missing command: create, update, list, describe or delete");
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a topic.")
    int create(@Parameters(paramLabel = "NAME") String name,
               @Option(names = "--type", paramLabel = "NORMAL|FIFO|DELAY|TRANSACTION",
                       description = "Message type the topic accepts (default NORMAL).") MessageKind type,
               @Option(names = "--queues", paramLabel = "N",
                       description = "Number of queues (default: the server's broker.default-queues; "
                               + "with --controller " + CONTROLLER_DEFAULT_QUEUES + ").") Integer queues) {
        if (admin.onController()) {
            return admin.executeOnController((controller, out) -> printPlacement(out, controller.createTopic(name,
                    queues == null ? CONTROLLER_DEFAULT_QUEUES : queues,
                    ControllerProtos.toController(type == null ? MessageKind.NORMAL : type)).getTopic()));
        }
        return admin.execute((client, out) -> print(out, List.of(client.call().createTopic(CreateTopicRequest.newBuilder()
                .setName(name)
                .setType(typeOrUnspecified(type))
                .setQueues(queues == null ? 0 : queues)
                .build()))));
    }

    @Command(name = "update", mixinStandardHelpOptions = true, description = "Change a topic's type or queue count.")
    int update(@Parameters(paramLabel = "NAME") String name,
               @Option(names = "--type", paramLabel = "NORMAL|FIFO|DELAY|TRANSACTION") MessageKind type,
               @Option(names = "--queues", paramLabel = "N") Integer queues) {
        if (admin.onController()) {
            return admin.executeOnController((controller, out) -> printPlacement(out, controller.updateTopic(
                    dev.sluice.proto.controller.v1.UpdateTopicRequest.newBuilder().setName(name)
                            .setQueueCount(queues == null ? 0 : queues)
                            .setMessageType(type == null ? MessageType.MESSAGE_TYPE_UNSPECIFIED
                                    : ControllerProtos.toController(type))
                            .build()).getTopic()));
        }
        return admin.execute((client, out) -> print(out, List.of(client.call().updateTopic(UpdateTopicRequest.newBuilder()
                .setName(name)
                .setType(typeOrUnspecified(type))
                .setQueues(queues == null ? 0 : queues)
                .build()))));
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List all topics.")
    int list() {
        if (admin.onController()) {
            return admin.executeOnController((controller, out) -> print(out, controller.metadata().getTopicsList()
                    .stream().map(ControllerProtos::toAdmin).toList()));
        }
        return admin.execute((client, out) ->
                print(out, client.call().listTopics(ListTopicsRequest.getDefaultInstance()).getTopicsList()));
    }

    @Command(name = "describe", mixinStandardHelpOptions = true, description = "Show one topic.")
    int describe(@Parameters(paramLabel = "NAME") String name) {
        if (admin.onController()) {
            return admin.executeOnController((controller, out) -> printPlacement(out, controller.metadata()
                    .getTopicsList().stream().filter(topic -> topic.getName().equals(name)).findFirst()
                    .orElseThrow(() -> Status.NOT_FOUND.withDescription("topic '" + name + "' not found")
                            .asRuntimeException())));
        }
        return admin.execute((client, out) ->
                print(out, List.of(client.call().getTopic(GetTopicRequest.newBuilder().setName(name).build()))));
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a topic and its queues.")
    int delete(@Parameters(paramLabel = "NAME") String name) {
        if (admin.onController()) {
            return admin.executeOnController((controller, out) -> {
                controller.deleteTopic(name);
                out.println("deleted topic '" + name + "'");
            });
        }
        return admin.execute((client, out) -> {
            client.call().deleteTopic(DeleteTopicRequest.newBuilder().setName(name).build());
            out.println("deleted topic '" + name + "'");
        });
    }

    private static TopicType typeOrUnspecified(MessageKind type) {
        return type == null ? TopicType.TOPIC_TYPE_UNSPECIFIED : AdminMessages.toProto(type);
    }

    /** A controller topic: the usual row, then which broker group serves each queue. */
    private static void printPlacement(PrintWriter out, dev.sluice.proto.controller.v1.Topic topic) {
        print(out, List.of(ControllerProtos.toAdmin(topic)));
        out.println();
        Table table = new Table("QUEUE", "BROKER-GROUP", "READ-ONLY-GROUPS");
        for (QueueAssignment queue : topic.getQueuesList()) {
            table.row(queue.getQueueId(), queue.getBrokerGroup(),
                    queue.getReadOnlyGroupsCount() == 0 ? "-" : String.join(",", queue.getReadOnlyGroupsList()));
        }
        table.print(out);
    }

    private static void print(PrintWriter out, List<Topic> topics) {
        Table table = new Table("NAME", "TYPE", "QUEUES");
        for (Topic topic : topics) {
            table.row(topic.getName(), AdminMessages.toKind(topic.getType(), MessageKind.NORMAL), topic.getQueues());
        }
        table.print(out);
    }
}
