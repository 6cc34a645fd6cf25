package dev.sluice.launcher;

import dev.sluice.proto.admin.v1.ListTransactionsRequest;
import dev.sluice.proto.admin.v1.Transaction;
import java.time.Duration;
import java.time.Instant;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code sluice admin tx list}: transactions whose half message is neither committed nor rolled back. */
@Command(name = "tx", mixinStandardHelpOptions = true, description = "Look at transactional messages.")
final class TransactionCommand implements Runnable {

    @ParentCommand
    AdminCommand admin;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: list");
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Unresolved transactions of a topic, oldest first: producer, age, checks so far.")
    int list(@Option(names = "--topic", required = true, paramLabel = "TOPIC") String topic,
             @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
                     description = "At most this many (default: the server's, 1000).") int limit) {
        return admin.execute((client, out) -> {
            long now = System.currentTimeMillis();
            Table table = new Table("TRANSACTION-ID", "MESSAGE-ID", "PRODUCER", "AGE", "CHECKS", "NEXT-CHECK");
            for (Transaction t : client.call().listTransactions(ListTransactionsRequest.newBuilder()
                    .setTopic(topic).setLimit(limit).build()).getTransactionsList()) {
                table.row(t.getTransactionId(), t.getMessageId(), t.getProducer().isEmpty() ? "-" : t.getProducer(),
                        Duration.ofMillis(Math.max(0, now - t.getCreatedMillis())).withNanos(0),
                        t.getChecks(), Instant.ofEpochMilli(t.getNextCheckMillis()));
            }
            table.print(out);
        });
    }
}
