package dev.sluice.proxy.grpc;

import dev.sluice.broker.Broker;
import dev.sluice.proto.rmq.v2.Code;
import dev.sluice.proto.rmq.v2.HeartbeatResponse;
import dev.sluice.proto.rmq.v2.NotifyClientTerminationResponse;
import dev.sluice.proto.rmq.v2.TelemetryCommand;
import dev.sluice.proxy.ClientSessions;
import dev.sluice.proxy.ProxyConfig;
import io.grpc.stub.StreamObserver;

/** Client lifecycle: Telemetry, Heartbeat, NotifyClientTermination. */
final class ClientActivity {

    private final Broker broker;
    private final ClientSessions sessions;
    private final SettingsComposer composer;
    private final ProducerStreams producers;

    ClientActivity(Broker broker, ClientSessions sessions, ProxyConfig config, ProducerStreams producers) {
        this.broker = broker;
        this.sessions = sessions;
        this.composer = new SettingsComposer(broker, config);
        this.producers = producers;
    }

    StreamObserver<TelemetryCommand> telemetry(ClientMetadata client, StreamObserver<TelemetryCommand> out) {
        if (!client.hasClientId()) {
            out.onNext(TelemetryCommand.newBuilder().setStatus(MessagingServiceImpl.CLIENT_ID_REQUIRED).build());
            out.onCompleted();
            return new DiscardingObserver<>();
        }
        return new TelemetryStream(client.clientId(), out, sessions, composer, broker, producers);
    }

    /**
     * Always OK. The reference proxy answers UNRECOGNIZED_CLIENT_TYPE before the first Settings;
     * that only produces client warnings while the handshake is under way.
     */
    HeartbeatResponse heartbeat() {
        return HeartbeatResponse.newBuilder().setStatus(StatusMapper.ok()).build();
    }

    NotifyClientTerminationResponse terminate(ClientMetadata client) {
        sessions.terminate(client.clientId());
        broker.clientGone(client.clientId());
        return NotifyClientTerminationResponse.newBuilder()
                .setStatus(StatusMapper.status(Code.OK, "goodbye"))
                .build();
    }

    /** Inbound side of a stream already answered and closed. */
    private static final class DiscardingObserver<T> implements StreamObserver<T> {
        @Override
        public void onNext(T value) {
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onCompleted() {
        }
    }
}
