package dev.sluice.launcher;

import dev.sluice.admin.AdminMessages;
import dev.sluice.proto.admin.v1.CreateTopicRequest;
import dev.sluice.proto.admin.v1.DeleteTopicRequest;
import dev.sluice.proto.admin.v1.GetTopicRequest;
import dev.sluice.proto.admin.v1.ListTopicsRequest;
import dev.sluice.proto.admin.v1.Topic;
import dev.sluice.proto.admin.v1.TopicType;
import dev.sluice.proto.admin.v1.UpdateTopicRequest;
import dev.sluice.store.MessageKind;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sluice admin topic create|update|list|describe|delete}. */
@Command(name = "topic", mixinStandardHelpOptions = true, description = "Create, change, list, show or delete topics.")
final class TopicCommand implements Runnable {

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
                       description = "Number of queues (default: the server's broker.default-queues).") Integer queues) {
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
        return admin.execute((client, out) -> print(out, List.of(client.call().updateTopic(UpdateTopicRequest.newBuilder()
                .setName(name)
                .setType(typeOrUnspecified(type))
                .setQueues(queues == null ? 0 : queues)
                .build()))));
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List all topics.")
    int list() {
        return admin.execute((client, out) ->
                print(out, client.call().listTopics(ListTopicsRequest.getDefaultInstance()).getTopicsList()));
    }

    @Command(name = "describe", mixinStandardHelpOptions = true, description = "Show one topic.")
    int describe(@Parameters(paramLabel = "NAME") String name) {
        return admin.execute((client, out) ->
                print(out, List.of(client.call().getTopic(GetTopicRequest.newBuilder().setName(name).build()))));
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a topic and its queues.")
    int delete(@Parameters(paramLabel = "NAME") String name) {
        return admin.execute((client, out) -> {
            client.call().deleteTopic(DeleteTopicRequest.newBuilder().setName(name).build());
            out.println("deleted topic '" + name + "'");
        });
    }

    private static TopicType typeOrUnspecified(MessageKind type) {
        return type == null ? TopicType.TOPIC_TYPE_UNSPECIFIED : AdminMessages.toProto(type);
    }

    private static void print(PrintWriter out, List<Topic> topics) {
        Table table = new Table("NAME", "TYPE", "QUEUES");
        for (Topic topic : topics) {
            table.row(topic.getName(), AdminMessages.toKind(topic.getType(), MessageKind.NORMAL), topic.getQueues());
        }
        table.print(out);
    }
}
