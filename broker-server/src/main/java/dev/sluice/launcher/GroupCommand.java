package dev.sluice.launcher;

import dev.sluice.admin.AdminMessages;
import dev.sluice.cluster.ControllerProtos;
import dev.sluice.controller.client.ControllerClient;
import dev.sluice.broker.RetryPolicy;
import dev.sluice.config.Units;
import dev.sluice.proto.admin.v1.CreateGroupRequest;
import dev.sluice.proto.admin.v1.DeleteGroupRequest;
import dev.sluice.proto.admin.v1.GetGroupRequest;
import dev.sluice.proto.admin.v1.Group;
import dev.sluice.proto.admin.v1.ListGroupsRequest;
import dev.sluice.proto.admin.v1.UpdateGroupRequest;
import dev.sluice.proto.controller.v1.ConsumerGroup;
import io.grpc.Status;
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

/**
 * {@code sluice admin group create|update|list|describe|delete}: against the broker's admin API,
 * or with {@code --controller} against the controller's metadata.
 */
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
        if (admin.onController()) {
            return admin.executeOnController((controller, out) -> {
                ConsumerGroup.Builder group = ConsumerGroup.newBuilder().setName(name).setFifo(fifo)
                        .setMaxDeliveryAttempts(attempts == null ? 0 : attempts);
                retry.over(RetryPolicy.DEFAULT).map(ControllerProtos::toController).ifPresent(group::setRetryPolicy);
                controller.createConsumerGroup(group.build());
                printFromController(out, controller, name);
            });
        }
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
        if (admin.onController()) {
            return admin.executeOnController((controller, out) -> {
                // the controller replaces the whole group: start from its current settings
                ConsumerGroup current = controllerGroup(controller, name);
                ConsumerGroup.Builder group = current.toBuilder();
                if (fifo != null) {
                    group.setFifo(fifo);
                }
                if (attempts != null) {
                    group.setMaxDeliveryAttempts(attempts);
                }
                retry.over(ControllerProtos.toPolicy(current.getRetryPolicy())).map(ControllerProtos::toController)
                        .ifPresent(group::setRetryPolicy);
                controller.updateConsumerGroup(group.build());
                printFromController(out, controller, name);
            });
        }
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
        if (admin.onController()) {
            return admin.executeOnController((controller, out) -> print(out, controller.metadata()
                    .getConsumerGroupsList().stream().map(ControllerProtos::toAdmin).toList()));
        }
        return admin.execute((client, out) ->
                print(out, client.call().listGroups(ListGroupsRequest.getDefaultInstance()).getGroupsList()));
    }

    @Command(name = "describe", mixinStandardHelpOptions = true, description = "Show one consumer group.")
    int describe(@Parameters(paramLabel = "NAME") String name) {
        if (admin.onController()) {
            return admin.executeOnController((controller, out) -> printFromController(out, controller, name));
        }
        return admin.execute((client, out) ->
                print(out, List.of(client.call().getGroup(GetGroupRequest.newBuilder().setName(name).build()))));
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a consumer group.")
    int delete(@Parameters(paramLabel = "NAME") String name) {
        if (admin.onController()) {
            return admin.executeOnController((controller, out) -> {
                controller.deleteConsumerGroup(name);
                out.println("deleted consumer group '" + name + "'");
            });
        }
        return admin.execute((client, out) -> {
            client.call().deleteGroup(DeleteGroupRequest.newBuilder().setName(name).build());
            out.println("deleted consumer group '" + name + "'");
        });
    }

    /** The group as the controller holds it (a linearizable read: it includes the change just made). */
    private static void printFromController(PrintWriter out, ControllerClient controller, String name) {
        print(out, List.of(ControllerProtos.toAdmin(controllerGroup(controller, name))));
    }

    private static ConsumerGroup controllerGroup(ControllerClient controller, String name) {
        return controller.metadata().getConsumerGroupsList().stream()
                .filter(group -> group.getName().equals(name)).findFirst()
                .orElseThrow(() -> Status.NOT_FOUND.withDescription("consumer group '" + name + "' not found")
                        .asRuntimeException());
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
