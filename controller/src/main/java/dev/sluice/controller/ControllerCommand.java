package dev.sluice.controller;

import dev.sluice.controller.server.ControllerConfig;
import dev.sluice.controller.server.ControllerServer;
import dev.sluice.http.HttpEndpoints;
import dev.sluice.metrics.SluiceMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code sluice controller}: runs one node of the controller's Raft group until the process is stopped. */
@Command(name = "controller", mixinStandardHelpOptions = true,
        description = "Run a controller node (cluster metadata on Raft).")
public final class ControllerCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(ControllerCommand.class);
    /** The {@code cluster} label of this role's meters; a controller serves one Sluice cluster. */
    private static final String CLUSTER = "sluice";

    @Option(names = "--id", required = true, description = "This node's id; must appear in --peers.")
    String id;

    @Option(names = "--peers", required = true,
            description = "Every Raft member as id@host:raftPort, comma separated, e.g. c1@127.0.0.1:9870,c2@...")
    String peers;

    @Option(names = "--data-dir", required = true, description = "Raft log and snapshots of this node.")
    Path dataDir;

    @Option(names = "--grpc-port", defaultValue = "-1",
            description = "Port of the controller API; default: this node's Raft port + 1.")
    int grpcPort;

    @Option(names = "--http-port", defaultValue = "-1",
            description = "Serve /metrics (Prometheus), /healthz and /readyz on this port (0: any free port); "
                    + "default: not served.")
    int httpPort;

    @Option(names = "--heartbeat-timeout-ms", defaultValue = "10000",
            description = "A broker silent this long is marked down (default ${DEFAULT-VALUE}).")
    long heartbeatTimeoutMs;

    @Option(names = "--unclean-election", description = "Let a replica outside the in-sync set lead when no "
            + "in-sync replica is alive (may lose acknowledged messages).")
    boolean uncleanElection;

    @Option(names = "--snapshot-threshold", defaultValue = "10000",
            description = "Applied log entries that trigger a snapshot (default ${DEFAULT-VALUE}).")
    long snapshotThreshold;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        checkPort("--grpc-port", grpcPort);
        checkPort("--http-port", httpPort);
        List<ControllerConfig.Peer> peerList;
        try {
            peerList = ControllerConfig.parsePeers(peers);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--peers: " + e.getMessage());
        }
        var self = peerList.stream().filter(peer -> peer.id().equals(id)).findFirst()
                .orElseThrow(() -> new ParameterException(spec.commandLine(), "--id " + id + " is not in --peers"));
        int apiPort = grpcPort >= 0 ? grpcPort : self.raftPort() + 1;
        ControllerConfig config = new ControllerConfig(id, peerList, dataDir, self.host(), apiPort,
                Duration.ofMillis(heartbeatTimeoutMs), uncleanElection, snapshotThreshold, false);
        ControllerServer server = ControllerServer.start(config);
        SluiceMetrics metrics = new SluiceMetrics(CLUSTER, "controller", id);
        server.bindMetrics(metrics.registry());
        HttpEndpoints http;
        try {
            http = httpPort < 0 ? null : startHttp(self.host(), server, metrics);
        } catch (IOException e) {
            server.close();
            spec.commandLine().getErr().println("sluice: cannot serve HTTP on " + self.host() + ":" + httpPort + ": "
                    + e.getMessage());
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (Exception e) {
                System.err.println("controller shutdown failed: " + e);
            }
            // last, so the probes answer until the end
            if (http != null) {
                http.close();
            }
            metrics.close();
        }, "controller-shutdown"));
        server.awaitTermination();
        return 0;
    }

    /** -1 (the default) leaves the port unset. */
    private void checkPort(String option, int port) {
        if (port < -1 || port > 65_535) {
            throw new ParameterException(spec.commandLine(), option + " must be a TCP port from 0 to 65535, not " + port);
        }
    }

    private HttpEndpoints startHttp(String host, ControllerServer server, SluiceMetrics metrics) throws IOException {
        HttpEndpoints http = HttpEndpoints.start(host, httpPort,
                new HttpEndpoints.Health(server::failure, server::ready), metrics::scrape);
        LOG.info("controller {} serves /metrics, /healthz and /readyz on {}:{}", id, host, http.port());
        return http;
    }
}
