package dev.sluice.proxy;

import dev.sluice.proto.rmq.v2.Settings;

/**
 * What the proxy knows about one client (keyed by its {@code x-mq-client-id}).
 *
 * @param settings     the Settings the client sent last (default instance until the first one)
 * @param liveStreams  Telemetry streams currently open; the client counts as gone at zero
 */
public record ClientSession(String clientId, Settings settings, int liveStreams) {

    ClientSession withSettings(Settings newSettings) {
        return new ClientSession(clientId, newSettings, liveStreams);
    }

    ClientSession withLiveStreams(int count) {
        return new ClientSession(clientId, settings, count);
    }
}
