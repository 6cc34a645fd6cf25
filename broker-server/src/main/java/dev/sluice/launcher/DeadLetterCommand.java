package dev.sluice.launcher;

import dev.sluice.proto.admin.v1.DeadLetter;
import dev.sluice.proto.admin.v1.ListDeadLettersRequest;
import dev.sluice.proto.admin.v1.RedriveDeadLettersRequest;
import dev.sluice.proto.admin.v1.RedriveDeadLettersResponse;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code sluice admin dlq list|redrive}: a consumer group's dead-lettered messages. */
@Command(name = "dlq", mixinStandardHelpOptions = true,
        description = "List a consumer group's dead-lettered messages or send them back to their topic.")
final class DeadLetterCommand implements Runnable {

    @ParentCommand
    AdminCommand admin;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: list or redrive");
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List dead-lettered messages, oldest first.")
    int list(@Option(names = "--group", required = true, paramLabel = "GROUP") String group,
             @Option(names = "--limit", paramLabel = "N", defaultValue = "1000",
                     description = "At most this many (default ${DEFAULT-VALUE}).") int limit) {
        return admin.execute((client, out) -> {
            List<DeadLetter> letters = client.call().listDeadLetters(ListDeadLettersRequest.newBuilder()
                    .setGroup(group).setLimit(limit).build()).getDeadLettersList();
            Table table = new Table("MESSAGE-ID", "TOPIC", "ATTEMPTS", "DEAD-LETTERED-AT", "REDRIVEN", "REASON");
            for (DeadLetter letter : letters) {
                table.row(letter.getMessageId(), letter.getOriginTopic(), letter.getAttempts(),
                        Instant.ofEpochMilli(letter.getTimeMillis()), letter.getRedriven() ? "yes" : "no",
                        letter.getReason());
            }
            table.print(out);
            out.println(letters.size() + " dead-lettered message(s) in group '" + group + "'");
        });
    }

    @Command(name = "redrive", mixinStandardHelpOptions = true,
            description = "Send dead-lettered messages back to their topic (each at most once, however often run).")
    int redrive(@Option(names = "--group", required = true, paramLabel = "GROUP") String group,
                @Option(names = "--message-id", paramLabel = "ID",
                        description = "Only this message; repeat for several (default: all).") List<String> ids,
                @Option(names = "--since", paramLabel = "TIME", converter = SinceConverter.class,
                        description = "Only those dead-lettered since TIME: an instant (2026-11-25T10:00:00Z) "
                                + "or an age (30m, 2h).") Instant since) {
        return admin.execute((client, out) -> {
            RedriveDeadLettersRequest.Builder request = RedriveDeadLettersRequest.newBuilder().setGroup(group);
            if (ids != null) {
                request.addAllMessageIds(ids);
            }
            if (since != null) {
                request.setSinceMillis(since.toEpochMilli());
            }
            RedriveDeadLettersResponse result = client.call().redriveDeadLetters(request.build());
            out.println("redriven: " + result.getRedriven() + ", already redriven earlier: "
                    + result.getAlreadyRedriven() + ", failed: " + result.getFailuresCount());
            result.getFailuresList().forEach(failure -> out.println("  failed: " + failure));
        });
    }
}
