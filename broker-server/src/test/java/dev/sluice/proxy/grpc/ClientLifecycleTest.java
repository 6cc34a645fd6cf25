package dev.sluice.proxy.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.proto.rmq.v2.ClientType;
import dev.sluice.proto.rmq.v2.Code;
import dev.sluice.proto.rmq.v2.HeartbeatRequest;
import dev.sluice.proto.rmq.v2.NotifyClientTerminationRequest;
import dev.sluice.proto.rmq.v2.Status;
import dev.sluice.proto.rmq.v2.TelemetryCommand;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientLifecycleTest {

    @TempDir
    Path dataDir;
    ProxyHarness proxy;

    @BeforeEach
    void start() throws Exception {
        proxy = new ProxyHarness(dataDir);
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
    }

    @Test
    void heartbeatIsOkEvenBeforeTheSettingsHandshake() {
        Status status = proxy.stub().heartbeat(HeartbeatRequest.newBuilder()
                .setClientType(ClientType.PUSH_CONSUMER).setGroup(ProxyHarness.resource("workers")).build()).getStatus();

        assertThat(status.getCode()).isEqualTo(Code.OK);
    }

    @Test
    void heartbeatWithoutClientIdIsRefused() {
        assertThat(proxy.anonymousStub().heartbeat(HeartbeatRequest.getDefaultInstance()).getStatus().getCode())
                .isEqualTo(Code.CLIENT_ID_REQUIRED);
    }

    @Test
    void terminationForgetsTheClient() throws Exception {
        RecordingObserver<TelemetryCommand> answers = new RecordingObserver<>();
        StreamObserver<TelemetryCommand> stream = proxy.asyncStub(ProxyHarness.CLIENT_ID).telemetry(answers);
        stream.onNext(TelemetryCommand.newBuilder()
                .setSettings(TelemetryTest.consumerSettings(ClientType.SIMPLE_CONSUMER, "workers")).build());
        assertThat(answers.next().getStatus().getCode()).isEqualTo(Code.OK);

        Status status = proxy.stub().notifyClientTermination(NotifyClientTerminationRequest.newBuilder()
                .setGroup(ProxyHarness.resource("workers")).build()).getStatus();

        assertThat(status.getCode()).isEqualTo(Code.OK);
        assertThat(proxy.sessions.session(ProxyHarness.CLIENT_ID)).isEmpty();
        stream.onCompleted();
    }

    @Test
    void telemetryReopenedAfterTerminationIsAnsweredThenEnded() throws Exception {
        proxy.stub().notifyClientTermination(NotifyClientTerminationRequest.newBuilder()
                .setGroup(ProxyHarness.resource("workers")).build());
        RecordingObserver<TelemetryCommand> answers = new RecordingObserver<>();
        StreamObserver<TelemetryCommand> stream = proxy.asyncStub(ProxyHarness.CLIENT_ID).telemetry(answers);

        stream.onNext(TelemetryCommand.newBuilder()
                .setSettings(TelemetryTest.consumerSettings(ClientType.SIMPLE_CONSUMER, "workers")).build());

        assertThat(answers.next().getStatus().getCode()).isEqualTo(Code.OK);
        answers.closed.get(5, java.util.concurrent.TimeUnit.SECONDS);
        stream.onCompleted();
    }
}
