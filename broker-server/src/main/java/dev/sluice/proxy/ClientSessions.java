package dev.sluice.proxy;

import dev.sluice.proto.rmq.v2.Settings;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Registry of connected clients. A client may hold several Telemetry streams at once (one per
 * endpoint, or an old one not yet torn down after a reconnect), so a session ends only when its
 * last stream ends or the client says it terminates. Thread-safe: each update is one atomic
 * {@link ConcurrentMap#compute} over an immutable {@link ClientSession}.
 */
public final class ClientSessions {

    /** How long a terminated client id is remembered; ids are unique per client instance. */
    private static final long TERMINATED_MEMORY_MILLIS = 10 * 60 * 1000;

    private final ConcurrentMap<String, ClientSession> sessions = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Long> terminatedAt = new ConcurrentHashMap<>();

    public void streamOpened(String clientId) {
        sessions.compute(clientId, (id, s) -> s == null
                ? new ClientSession(id, Settings.getDefaultInstance(), 1)
                : s.withLiveStreams(s.liveStreams() + 1));
    }

    public void updateSettings(String clientId, Settings settings) {
        sessions.compute(clientId, (id, s) -> s == null
                ? new ClientSession(id, settings, 0)
                : s.withSettings(settings));
    }

    /**
     * Records the end of one stream of the client.
     *
     * @return true when that was the client's last stream: the session is gone
     */
    public boolean streamClosed(String clientId) {
        boolean[] ended = {false};
        sessions.computeIfPresent(clientId, (id, s) -> {
            if (s.liveStreams() <= 1) {
                ended[0] = true;
                return null;
            }
            return s.withLiveStreams(s.liveStreams() - 1);
        });
        return ended[0];
    }

    /** The client announced it is shutting down: forget it whatever streams are still open. */
    public void terminate(String clientId) {
        sessions.remove(clientId);
        long now = System.currentTimeMillis();
        terminatedAt.values().removeIf(at -> now - at > TERMINATED_MEMORY_MILLIS);
        terminatedAt.put(clientId, now);
    }

    /**
     * True when the client announced its termination. The Java client can reopen a Telemetry
     * stream after that (a reconnect it scheduled before closing); its shutdown then waits for
     * that stream forever unless the server ends it.
     */
    public boolean terminated(String clientId) {
        return terminatedAt.containsKey(clientId);
    }

    public Optional<ClientSession> session(String clientId) {
        return Optional.ofNullable(sessions.get(clientId));
    }

    public int size() {
        return sessions.size();
    }
}
