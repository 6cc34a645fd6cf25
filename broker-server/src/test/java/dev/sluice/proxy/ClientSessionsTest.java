package dev.sluice.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.proto.rmq.v2.ClientType;
import dev.sluice.proto.rmq.v2.Settings;
import org.junit.jupiter.api.Test;

class ClientSessionsTest {

    private final ClientSessions sessions = new ClientSessions();

    @Test
    void clientIsGoneOnlyWhenItsLastStreamCloses() {
        sessions.streamOpened("c1");
        sessions.streamOpened("c1");

        assertThat(sessions.streamClosed("c1")).isFalse();
        assertThat(sessions.session("c1")).isPresent();
        assertThat(sessions.streamClosed("c1")).isTrue();
        assertThat(sessions.session("c1")).isEmpty();
    }

    @Test
    void settingsAreKeptPerClient() {
        Settings producer = Settings.newBuilder().setClientType(ClientType.PRODUCER).build();
        sessions.streamOpened("c1");
        sessions.updateSettings("c1", producer);

        assertThat(sessions.session("c1")).get().extracting(ClientSession::settings).isEqualTo(producer);
        assertThat(sessions.session("c2")).isEmpty();
    }

    @Test
    void streamEndAfterTerminationReportsNothing() {
        sessions.streamOpened("c1");
        sessions.terminate("c1");

        assertThat(sessions.streamClosed("c1")).isFalse();
        assertThat(sessions.size()).isZero();
    }
}
