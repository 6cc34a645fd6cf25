package dev.sluice.controller.cluster;

import dev.sluice.controller.ControllerMain;
import dev.sluice.controller.client.ControllerClient;
import dev.sluice.proto.controller.v1.ClusterStatus;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A controller cluster of real JVM processes on 127.0.0.1, each started with this module's
 * class path. Ports and data directories stay fixed per node so a node can be restarted.
 */
final class ControllerProcesses implements AutoCloseable {

    record Node(String id, int raftPort, int apiPort, Path dataDir) {
        String apiEndpoint() {
            return "127.0.0.1:" + apiPort;
        }
    }

    private final List<Node> nodes = new ArrayList<>();
    private final Process[] processes;
    private final List<String> extraArgs;

    ControllerProcesses(Path baseDir, int size, String... extraArgs) throws IOException {
        for (int i = 1; i <= size; i++) {
            Path dir = Files.createDirectories(baseDir.resolve("c" + i));
            nodes.add(new Node("c" + i, freePort(), freePort(), dir));
        }
        this.processes = new Process[size];
        this.extraArgs = List.of(extraArgs);
    }

    List<Node> nodes() {
        return nodes;
    }

    List<String> apiEndpoints() {
        return nodes.stream().map(Node::apiEndpoint).toList();
    }

    void startAll() throws IOException {
        for (int i = 0; i < nodes.size(); i++) {
            start(i);
        }
    }

    void start(int index) throws IOException {
        Node node = nodes.get(index);
        String peers = nodes.stream().map(n -> n.id() + "@127.0.0.1:" + n.raftPort()).collect(Collectors.joining(","));
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"),
                ControllerMain.class.getName(),
                "--id", node.id(), "--peers", peers, "--data-dir", node.dataDir().toString(),
                "--grpc-port", Integer.toString(node.apiPort())));
        command.addAll(extraArgs);
        processes[index] = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(node.dataDir().resolve("controller.log").toFile()))
                .start();
    }

    /** kill -9: no shutdown hook, no flush beyond what the node already did. */
    void kill(int index) throws InterruptedException {
        Process process = processes[index];
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        processes[index] = null;
    }

    boolean isRunning(int index) {
        return processes[index] != null && processes[index].isAlive();
    }

    int indexOf(String id) {
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i).id().equals(id)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no node " + id);
    }

    /** The status of one node, or empty if it does not answer within a second. */
    Optional<ClusterStatus> status(int index) {
        try (ControllerClient client = ControllerClient.connect(List.of(nodes.get(index).apiEndpoint()),
                Duration.ofSeconds(1))) {
            return Optional.of(client.clusterStatus());
        } catch (RuntimeException notAnswering) {
            return Optional.empty();
        }
    }

    /** A leader that the running nodes agree on (all running nodes that answer name it), with its term. */
    Optional<ClusterStatus> agreedLeader() {
        ClusterStatus agreed = null;
        for (int i = 0; i < nodes.size(); i++) {
            if (!isRunning(i)) {
                continue;
            }
            Optional<ClusterStatus> status = status(i);
            if (status.isEmpty() || status.get().getRaftLeader().isEmpty()) {
                return Optional.empty();
            }
            if (agreed != null && !agreed.getRaftLeader().equals(status.get().getRaftLeader())) {
                return Optional.empty();
            }
            agreed = status.get();
        }
        if (agreed == null || !isRunning(indexOf(agreed.getRaftLeader()))) {
            return Optional.empty();
        }
        return Optional.of(agreed);
    }

    @Override
    public void close() throws InterruptedException {
        for (int i = 0; i < processes.length; i++) {
            kill(i);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
