package dev.sluice.launcher;

import dev.sluice.proto.admin.v1.GetMessageHistoryRequest;
import dev.sluice.proto.admin.v1.GetMessageHistoryResponse;
import java.time.Instant;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code sluice admin message history}: every delivery attempt of one message. */
@Command(name = "message", mixinStandardHelpOptions = true, description = "Look at one message.")
final class MessageCommand implements Runnable {

    @ParentCommand
    AdminCommand admin;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: history");
    }

    @Command(name = "history", mixinStandardHelpOptions = true,
            description = "Every delivery attempt of a message: when, to which client, how it ended, when it comes back.")
    int history(@Option(names = "--topic", required = true, paramLabel = "TOPIC") String topic,
                @Option(names = "--id", required = true, paramLabel = "MESSAGE-ID") String id,
                @Option(names = "--group", paramLabel = "GROUP", description = "Only this consumer group.") String group) {
        return admin.execute((client, out) -> {
            GetMessageHistoryResponse history = client.call().getMessageHistory(GetMessageHistoryRequest.newBuilder()
                    .setTopic(topic).setMessageId(id).setGroup(group == null ? "" : group).build());
            out.println("message " + history.getMessageId() + " in topic " + history.getTopic() + ", queue "
                    + history.getQueueId() + " offset " + history.getQueueOffset() + ", stored "
                    + Instant.ofEpochMilli(history.getStoreTimestampMillis()));
            Table table = new Table("GROUP", "ATTEMPT", "TIME", "CLIENT", "OUTCOME", "NEXT-VISIBLE");
            for (DeliveryAttempts.Row row : DeliveryAttempts.fold(history.getEventsList(), System.currentTimeMillis())) {
                table.row(row.group(), row.attempt() == 0 ? "-" : row.attempt(), Instant.ofEpochMilli(row.time()),
                        row.client().isEmpty() ? "-" : row.client(), row.outcome(),
                        row.nextVisible() == 0 ? "-" : Instant.ofEpochMilli(row.nextVisible()));
            }
            table.print(out);
        });
    }
}
