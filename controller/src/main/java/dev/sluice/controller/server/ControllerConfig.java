package dev.sluice.controller.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Settings of one controller node.
 *
 * @param peers             every member of the Raft group, this node included; a group of one may
 *                          give its Raft port as 0 (any free port: no other member needs to find it)
 * @param apiHost           address the controller API binds to
 * @param grpcPort          port of the controller API, 0 for any free port (Raft uses the port in
 *                          this node's peer address)
 * @param heartbeatTimeout  a broker silent for longer is marked down
 * @param uncleanElection   whether a replica outside the in-sync set may lead when no in-sync one is alive
 * @param snapshotThreshold log entries applied since the last snapshot that trigger the next one
 * @param topicsOwnedElsewhere topics and consumer groups belong to the process the controller runs
 *                          in ({@code sluice standalone}), which mirrors them in through
 *                          {@link ControllerServer#write}; the API refuses to change them
 */
public record ControllerConfig(String nodeId, List<Peer> peers, Path dataDir, String apiHost, int grpcPort,
                               Duration heartbeatTimeout, boolean uncleanElection, long snapshotThreshold,
                               boolean topicsOwnedElsewhere) {

    public static final Duration DEFAULT_HEARTBEAT_TIMEOUT = Duration.ofSeconds(10);
    public static final long DEFAULT_SNAPSHOT_THRESHOLD = 10_000;

    /** A Raft member as written on the command line: {@code id@host:port}. */
    public record Peer(String id, String host, int raftPort) {
        public static Peer parse(String text) {
            int at = text.indexOf('@');
            int colon = text.lastIndexOf(':');
            if (at <= 0 || colon < at + 2 || colon == text.length() - 1) {
                throw new IllegalArgumentException("peer must be id@host:port, got '" + text + "'");
            }
            return new Peer(text.substring(0, at), text.substring(at + 1, colon),
                    Integer.parseInt(text.substring(colon + 1)));
        }

        public String raftAddress() {
            return host + ":" + raftPort;
        }
    }

    public ControllerConfig {
        peers = List.copyOf(peers);
        if (peers.stream().noneMatch(peer -> peer.id().equals(nodeId))) {
            throw new IllegalArgumentException("node id " + nodeId + " is not among the peers " + peers);
        }
        if (peers.stream().map(Peer::id).distinct().count() != peers.size()) {
            throw new IllegalArgumentException("peer ids must be unique: " + peers);
        }
        if (heartbeatTimeout.isNegative() || heartbeatTimeout.isZero()) {
            throw new IllegalArgumentException("heartbeat timeout must be positive");
        }
        if (snapshotThreshold < 1) {
            throw new IllegalArgumentException("snapshot threshold must be at least 1");
        }
        if (peers.size() > 1 && peers.stream().anyMatch(peer -> peer.raftPort() == 0)) {
            throw new IllegalArgumentException("every member of a group of several needs a fixed Raft port: " + peers);
        }
    }

    /**
     * The one-node group {@code sluice standalone} runs in-process: Raft on any free loopback
     * port, data under {@code dataDir}, default timeouts, topics and groups owned by the broker.
     */
    public static ControllerConfig embedded(String nodeId, Path dataDir, String apiHost, int apiPort) {
        return new ControllerConfig(nodeId, List.of(new Peer(nodeId, "127.0.0.1", 0)), dataDir, apiHost, apiPort,
                DEFAULT_HEARTBEAT_TIMEOUT, false, DEFAULT_SNAPSHOT_THRESHOLD, true);
    }

    public boolean singleNode() {
        return peers.size() == 1;
    }

    /** Parses {@code c1@127.0.0.1:9870,c2@127.0.0.1:9880}. */
    public static List<Peer> parsePeers(String text) {
        return Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(Peer::parse).toList();
    }

    public Peer self() {
        return peers.stream().filter(peer -> peer.id().equals(nodeId)).findFirst().orElseThrow();
    }
}
