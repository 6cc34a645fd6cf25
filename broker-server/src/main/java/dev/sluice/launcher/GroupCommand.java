package dev.sluice.launcher;

import dev.sluice.admin.AdminMessages;
import dev.sluice.broker.RetryPolicy;
import dev.sluice.config.Units;
import dev.sluice.proto.admin.v1.CreateGroupRequest;
import dev.sluice.proto.admin.v1.DeleteGroupRequest;
import dev.sluice.proto.admin.v1.GetGroupRequest;
import dev.sluice.proto.admin.v1.Group;
import dev.sluice.proto.admin.v1.ListGroupsRequest;
import dev.sluice.proto.admin.v1.UpdateGroupRequest;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sluice admin group create|update|list|describe|delete}. */
@Command(name = "group", mixinStandardHelpOptions = true,
        description = "Create, change, list, show or delete consumer groups.")
final class GroupCommand implements Runnable {

    @ParentCommand
    AdminCommand admin;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "missing command: create, update, list, describe or delete");
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a consumer group.")
    int create(@Parameters(paramLabel = "NAME") String name,
               @Option(names = "--fifo", description = "Deliver each message group in order.") boolean fifo,
               @Option(names = "--max-delivery-attempts", paramLabel = "N",
                       description = "Deliveries before a message is dead-lettered (default 16).") Integer attempts,
               @Mixin RetryOptions retry) {
        return admin.execute((client, out) -> {
            CreateGroupRequest.Builder request = CreateGroupRequest.newBuilder()
                    .setName(name)
                    .setFifo(fifo)
                    .setMaxDeliveryAttempts(attempts == null ? 0 : attempts);
            retry.over(RetryPolicy.DEFAULT).ifPresent(request::setRetryPolicy);
            print(out, List.of(client.call().createGroup(request.build())));
        });
    }

    @Command(name = "update", mixinStandardHelpOptions = true,
            description = "Change a consumer group; settings left out keep their value.")
    int update(@Parameters(paramLabel = "NAME") String name,
               @Option(names = "--fifo", arity = "0..1", paramLabel = "true|false",
                       description = "Deliver each message group in order.") Boolean fifo,
               @Option(names = "--max-delivery-attempts", paramLabel = "N") Integer attempts,
               @Mixin RetryOptions retry) {
        return admin.execute((client, out) -> {
            UpdateGroupRequest.Builder request = UpdateGroupRequest.newBuilder()
                    .setName(name)
                    .setMaxDeliveryAttempts(attempts == null ? 0 : attempts);
            if (fifo != null) {
                request.setFifo(fifo);
            }
            if (retry.anyGiven()) {
                // the flags left out keep the group's current values, so read them first
                Group current = client.call().getGroup(GetGroupRequest.newBuilder().setName(name).build());
                retry.over(AdminMessages.toPolicy(current.getRetryPolicy())).ifPresent(request::setRetryPolicy);
            }
            print(out, List.of(client.call().updateGroup(request.build())));
        });
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List all consumer groups.")
    int list() {
        return admin.execute((client, out) ->
                print(out, client.call().listGroups(ListGroupsRequest.getDefaultInstance()).getGroupsList()));
    }

    @Command(name = "describe", mixinStandardHelpOptions = true, description = "Show one consumer group.")
    int describe(@Parameters(paramLabel = "NAME") String name) {
        return admin.execute((client, out) ->
                print(out, List.of(client.call().getGroup(GetGroupRequest.newBuilder().setName(name).build()))));
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a consumer group.")
    int delete(@Parameters(paramLabel = "NAME") String name) {
        return admin.execute((client, out) -> {
            client.call().deleteGroup(DeleteGroupRequest.newBuilder().setName(name).build());
            out.println("deleted consumer group '" + name + "'");
        });
    }

    private static void print(PrintWriter out, List<Group> groups) {
        Table table = new Table("NAME", "FIFO", "MAX-DELIVERY-ATTEMPTS", "RETRY-INITIAL", "RETRY-MULTIPLIER", "RETRY-MAX",
                "RETRY-STEPS");
        for (Group group : groups) {
            List<Long> steps = group.getRetryPolicy().getCustomizedBackoffMillisList();
            table.row(group.getName(), group.getFifo(), group.getMaxDeliveryAttempts(),
                    Units.formatDuration(Duration.ofMillis(group.getRetryPolicy().getInitialBackoffMillis())),
                    group.getRetryPolicy().getMultiplier(),
                    Units.formatDuration(Duration.ofMillis(group.getRetryPolicy().getMaxBackoffMillis())),
                    steps.isEmpty() ? "-" : String.join(",", steps.stream()
                            .map(millis -> Units.formatDuration(Duration.ofMillis(millis))).toList()));
        }
        table.print(out);
    }
}
