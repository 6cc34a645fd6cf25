package dev.sluice.controller.image;

import java.util.List;

/**
 * One broker as the controller knows it.
 *
 * @param lastHeartbeatMs leader-stamped time of the last registration or heartbeat
 * @param alive           false once the broker missed heartbeats for the timeout
 */
public record BrokerImage(String id, String group, List<String> endpoints, long lastHeartbeatMs, boolean alive) {

    public BrokerImage {
        endpoints = List.copyOf(endpoints);
    }

    public BrokerImage heartbeatAt(long timestampMs) {
        return new BrokerImage(id, group, endpoints, timestampMs, true);
    }

    public BrokerImage markedDown() {
        return new BrokerImage(id, group, endpoints, lastHeartbeatMs, false);
    }
}
