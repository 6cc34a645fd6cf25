package dev.sluice.proxy.grpc;

import dev.sluice.broker.Broker;
import dev.sluice.proto.rmq.v2.Code;
import dev.sluice.proto.rmq.v2.Settings;
import dev.sluice.proto.rmq.v2.Status;
import dev.sluice.proto.rmq.v2.TelemetryCommand;
import dev.sluice.proxy.ClientSessions;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's Telemetry stream. Every Settings the client sends (at start, every 5 minutes,
 * after each reconnect) is answered with status OK and the merged Settings: the client does not
 * finish starting until it gets that answer. When the client's last stream ends the broker is
 * told, so the messages it held become visible again without waiting out their invisible time.
 *
 * <p>gRPC delivers inbound events one at a time, so the outbound observer is only ever used
 * from one thread at a time.
 */
final class TelemetryStream implements StreamObserver<TelemetryCommand> {

    private static final Logger log = LoggerFactory.getLogger(TelemetryStream.class);

    private final String clientId;
    private final StreamObserver<TelemetryCommand> out;
    private final ClientSessions sessions;
    private final SettingsComposer composer;
    private final Broker broker;
    private final ProducerStreams producers;
    private final AtomicBoolean ended = new AtomicBoolean();

    TelemetryStream(String clientId, StreamObserver<TelemetryCommand> out, ClientSessions sessions,
                    SettingsComposer composer, Broker broker, ProducerStreams producers) {
        this.clientId = clientId;
        this.out = out;
        this.sessions = sessions;
        this.composer = composer;
        this.broker = broker;
        this.producers = producers;
        sessions.streamOpened(clientId);
    }

    @Override
    public void onNext(TelemetryCommand command) {
        if (ended.get()) {
            return;
        }
        switch (command.getCommandCase()) {
            case SETTINGS -> answerSettings(command.getSettings());
            case THREAD_STACK_TRACE, VERIFY_MESSAGE_RESULT ->
                    log.debug("client {} replied {}; no command of ours asked for it", clientId, command.getCommandCase());
            default -> log.debug("client {} sent telemetry command {}; ignored", clientId, command.getCommandCase());
        }
    }

    private void answerSettings(Settings settings) {
        Settings answer;
        try {
            answer = composer.compose(settings);
        } catch (RuntimeException e) {
            Status status = StatusMapper.of(e);
            io.grpc.Status grpcStatus = status.getCode() == Code.INTERNAL_SERVER_ERROR
                    ? io.grpc.Status.INTERNAL : io.grpc.Status.INVALID_ARGUMENT;
            end();
            synchronized (this) {
                out.onError(grpcStatus.withDescription(status.getCode() + ": " + status.getMessage()).asRuntimeException());
            }
            return;
        }
        sessions.updateSettings(clientId, settings);
        push(TelemetryCommand.newBuilder().setStatus(StatusMapper.ok()).setSettings(answer).build());
        if (sessions.terminated(clientId)) {
            log.debug("client {} reopened telemetry after terminating; ending the stream so it can shut down", clientId);
            end();
            synchronized (this) {
                out.onCompleted();
            }
            return;
        }
        if (settings.hasPublishing()) {
            producers.register(clientId, this, settings);
        }
    }

    /**
     * Sends a command to the client; false if the stream has ended. Synchronized because the
     * broker's threads push commands while gRPC's thread answers Settings.
     */
    synchronized boolean push(TelemetryCommand command) {
        if (ended.get()) {
            return false;
        }
        try {
            out.onNext(command);
            return true;
        } catch (RuntimeException e) {
            // the call was cancelled under us; the stream's own error callback ends it
            log.debug("telemetry stream of client {} refused a command: {}", clientId, e.toString());
            return false;
        }
    }

    @Override
    public void onError(Throwable t) {
        log.debug("telemetry stream of client {} failed: {}", clientId, t.toString());
        end();
    }

    @Override
    public void onCompleted() {
        end();
        synchronized (this) {
            out.onCompleted();
        }
    }

    private void end() {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        producers.unregister(clientId, this);
        if (!sessions.streamClosed(clientId)) {
            return;
        }
        try {
            broker.clientGone(clientId);
        } catch (RuntimeException e) {
            log.warn("broker could not release the messages of departed client {}", clientId, e);
        }
    }
}
