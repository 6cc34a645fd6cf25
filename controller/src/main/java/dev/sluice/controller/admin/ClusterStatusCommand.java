package dev.sluice.controller.admin;

import dev.sluice.controller.client.ControllerClient;
import dev.sluice.proto.controller.v1.BrokerGroup;
import dev.sluice.proto.controller.v1.ClusterStatus;
import dev.sluice.proto.controller.v1.ControllerNode;
import dev.sluice.proto.controller.v1.QueueAssignment;
import dev.sluice.proto.controller.v1.Topic;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code sluice admin cluster status}: controller nodes, broker groups and queue placement. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show controller and broker group state.")
public final class ClusterStatusCommand implements Callable<Integer> {

    @Option(names = "--controller", required = true, split = ",",
            description = "Controller API address(es) host:port; any node answers.")
    List<String> controllers;

    @Option(names = "--timeout-ms", defaultValue = "10000", description = "Give up after this long.")
    long timeoutMs;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        try (ControllerClient client = ControllerClient.connect(controllers, Duration.ofMillis(timeoutMs))) {
            print(client.clusterStatus(), spec.commandLine().getOut());
            return 0;
        }
    }

    public static void print(ClusterStatus status, PrintWriter out) {
        out.printf("Controller nodes (term %d, answered by %s):%n", status.getRaftTerm(), status.getAnsweringNode());
        for (ControllerNode node : status.getNodesList()) {
            out.printf("  %-10s %-22s %s%n", node.getId(), node.getRaftAddress(), node.getLeader() ? "LEADER" : "");
        }
        if (status.getRaftLeader().isEmpty()) {
            out.println("  no Raft leader known: metadata writes are unavailable");
        }
        out.printf("Broker groups (metadata version %d, heartbeat timeout %d ms, unclean election %s):%n",
                status.getImage().getVersion(), status.getHeartbeatTimeoutMs(),
                status.getUncleanElection() ? "ENABLED" : "disabled");
        Map<String, Boolean> alive = status.getImage().getBrokersList().stream()
                .collect(Collectors.toMap(b -> b.getBrokerId(), b -> b.getAlive(), (a, b) -> a, TreeMap::new));
        for (BrokerGroup group : status.getImage().getBrokerGroupsList()) {
            String leader = group.getLeader().isEmpty()
                    ? "LEADERLESS (writes refused" + (status.getUncleanElection() ? ")" : "; unclean election disabled)")
                    : group.getLeader();
            out.printf("  %-12s leader %s  epoch %d  state-epoch %d  in-sync %s  replicas %s%s%n", group.getName(),
                    leader, group.getLeaderEpoch(), group.getStateEpoch(), group.getInSyncList(),
                    group.getReplicasList().stream().map(r -> r + (alive.getOrDefault(r, false) ? "" : "(down)"))
                            .toList(),
                    group.getDraining() ? "  " + drainState(status, group.getName()) : "");
        }
        out.println("Topics:");
        for (Topic topic : status.getImage().getTopicsList()) {
            Map<String, List<Integer>> byGroup = topic.getQueuesList().stream().collect(Collectors.groupingBy(
                    QueueAssignment::getBrokerGroup, TreeMap::new,
                    Collectors.mapping(QueueAssignment::getQueueId, Collectors.toList())));
            out.printf("  %-20s %-11s %s%n", topic.getName(), topic.getMessageType(), byGroup);
        }
        out.flush();
    }

    /** A draining group is drained once it serves no queue, not even read-only. */
    private static String drainState(ClusterStatus status, String group) {
        long readOnly = status.getImage().getTopicsList().stream().flatMap(topic -> topic.getQueuesList().stream())
                .filter(queue -> queue.getReadOnlyGroupsList().contains(group) || queue.getBrokerGroup().equals(group))
                .count();
        return readOnly == 0 ? "DRAINED (serves no queue)" : "DRAINING (" + readOnly + " queues still read here)";
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new ClusterStatusCommand()).execute(args));
    }
}
