package dev.sluice.proxy.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.broker.GroupConfig;
import dev.sluice.broker.RetryPolicy;
import dev.sluice.proto.rmq.v2.ClientType;
import dev.sluice.proto.rmq.v2.Code;
import dev.sluice.proto.rmq.v2.ExponentialBackoff;
import dev.sluice.proto.rmq.v2.FilterExpression;
import dev.sluice.proto.rmq.v2.FilterType;
import dev.sluice.proto.rmq.v2.Publishing;
import dev.sluice.proto.rmq.v2.Settings;
import dev.sluice.proto.rmq.v2.Subscription;
import dev.sluice.proto.rmq.v2.SubscriptionEntry;
import dev.sluice.proto.rmq.v2.TelemetryCommand;
import dev.sluice.proto.rmq.v2.ThreadStackTrace;
import dev.sluice.proto.rmq.v2.UA;
import dev.sluice.proto.rmq.v2.Language;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TelemetryTest {

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
    void producerGetsExponentialBackoffBodyLimitAndTypeValidation() throws Exception {
        RecordingObserver<TelemetryCommand> answers = new RecordingObserver<>();
        StreamObserver<TelemetryCommand> stream = proxy.asyncStub(ProxyHarness.CLIENT_ID).telemetry(answers);

        stream.onNext(settings(producerSettings()));
        TelemetryCommand answer = answers.next();

        assertThat(answer.getStatus().getCode()).isEqualTo(Code.OK);
        Settings settings = answer.getSettings();
        assertThat(settings.getClientType()).isEqualTo(ClientType.PRODUCER);
        assertThat(settings.getPublishing().getMaxBodySize()).isEqualTo(4 * 1024 * 1024);
        assertThat(settings.getPublishing().getValidateMessageType()).isTrue();
        assertThat(settings.getPublishing().getTopicsList()).containsExactly(ProxyHarness.resource("orders"));
        assertThat(settings.getBackoffPolicy().getMaxAttempts()).isEqualTo(3);
        ExponentialBackoff backoff = settings.getBackoffPolicy().getExponentialBackoff();
        assertThat(ProtoTime.duration(backoff.getInitial())).isEqualTo(Duration.ofMillis(10));
        assertThat(ProtoTime.duration(backoff.getMax())).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.getMultiplier()).isEqualTo(2.0f);
        assertThat(proxy.sessions.session(ProxyHarness.CLIENT_ID)).isPresent();
        stream.onCompleted();
    }

    @Test
    void everySettingsResendIsAnswered() throws Exception {
        RecordingObserver<TelemetryCommand> answers = new RecordingObserver<>();
        StreamObserver<TelemetryCommand> stream = proxy.asyncStub(ProxyHarness.CLIENT_ID).telemetry(answers);

        stream.onNext(settings(producerSettings()));
        stream.onNext(settings(producerSettings()));

        assertThat(answers.next().getStatus().getCode()).isEqualTo(Code.OK);
        assertThat(answers.next().getStatus().getCode()).isEqualTo(Code.OK);
        stream.onCompleted();
    }

    @Test
    void pushConsumerGetsTheGroupsPolicyAndReceiveSettings() throws Exception {
        proxy.broker.createGroup(new GroupConfig("sequencers", true, 7,
                RetryPolicy.exponential(Duration.ofSeconds(2), 3.0, Duration.ofSeconds(90))));
        RecordingObserver<TelemetryCommand> answers = new RecordingObserver<>();
        StreamObserver<TelemetryCommand> stream = proxy.asyncStub(ProxyHarness.CLIENT_ID).telemetry(answers);

        stream.onNext(settings(consumerSettings(ClientType.PUSH_CONSUMER, "sequencers")));
        TelemetryCommand answer = answers.next();

        assertThat(answer.getStatus().getCode()).isEqualTo(Code.OK);
        Subscription subscription = answer.getSettings().getSubscription();
        assertThat(subscription.getFifo()).isTrue();
        assertThat(subscription.getReceiveBatchSize()).isEqualTo(32);
        assertThat(ProtoTime.duration(subscription.getLongPollingTimeout())).isEqualTo(Duration.ofSeconds(20));
        assertThat(subscription.getSubscriptionsList()).hasSize(1);
        assertThat(answer.getSettings().getBackoffPolicy().getMaxAttempts()).isEqualTo(7);
        ExponentialBackoff backoff = answer.getSettings().getBackoffPolicy().getExponentialBackoff();
        assertThat(ProtoTime.duration(backoff.getInitial())).isEqualTo(Duration.ofSeconds(2));
        assertThat(ProtoTime.duration(backoff.getMax())).isEqualTo(Duration.ofSeconds(90));
        assertThat(backoff.getMultiplier()).isEqualTo(3.0f);
        stream.onCompleted();
    }

    @Test
    void consumerGroupIsCreatedWithDefaultsOnFirstUse() throws Exception {
        RecordingObserver<TelemetryCommand> answers = new RecordingObserver<>();
        StreamObserver<TelemetryCommand> stream = proxy.asyncStub(ProxyHarness.CLIENT_ID).telemetry(answers);

        stream.onNext(settings(consumerSettings(ClientType.PUSH_CONSUMER, "new-group")));
        TelemetryCommand answer = answers.next();

        assertThat(answer.getStatus().getCode()).isEqualTo(Code.OK);
        assertThat(answer.getSettings().getSubscription().getFifo()).isFalse();
        assertThat(answer.getSettings().getBackoffPolicy().getMaxAttempts())
                .isEqualTo(GroupConfig.DEFAULT_MAX_DELIVERY_ATTEMPTS);
        assertThat(answer.getSettings().getBackoffPolicy().hasExponentialBackoff()).isTrue();
        stream.onCompleted();
    }

    @Test
    void settingsWithoutPublishingOrSubscriptionAreInvalid() {
        RecordingObserver<TelemetryCommand> answers = new RecordingObserver<>();
        StreamObserver<TelemetryCommand> stream = proxy.asyncStub(ProxyHarness.CLIENT_ID).telemetry(answers);

        stream.onNext(settings(Settings.newBuilder().setClientType(ClientType.PRODUCER).build()));

        assertThat(answers.closed).failsWithin(5, TimeUnit.SECONDS)
                .withThrowableOfType(ExecutionException.class)
                .satisfies(e -> assertThat(Status.fromThrowable(e.getCause()).getCode())
                        .isEqualTo(Status.Code.INVALID_ARGUMENT));
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.sessions.size() == 0);
    }

    @Test
    void streamWithoutClientIdIsAnsweredClientIdRequired() throws Exception {
        RecordingObserver<TelemetryCommand> answers = new RecordingObserver<>();
        StreamObserver<TelemetryCommand> stream = proxy.asyncStub(null).telemetry(answers);

        stream.onNext(settings(producerSettings()));

        assertThat(answers.next().getStatus().getCode()).isEqualTo(Code.CLIENT_ID_REQUIRED);
        assertThat(answers.closed).succeedsWithin(5, TimeUnit.SECONDS);
        assertThat(proxy.sessions.size()).isZero();
    }

    @Test
    void sessionEndsWithTheLastStreamOfTheClient() throws Exception {
        RecordingObserver<TelemetryCommand> firstAnswers = new RecordingObserver<>();
        RecordingObserver<TelemetryCommand> secondAnswers = new RecordingObserver<>();
        StreamObserver<TelemetryCommand> first = proxy.asyncStub(ProxyHarness.CLIENT_ID).telemetry(firstAnswers);
        StreamObserver<TelemetryCommand> second = proxy.asyncStub(ProxyHarness.CLIENT_ID).telemetry(secondAnswers);
        first.onNext(settings(producerSettings()));
        second.onNext(settings(producerSettings()));
        firstAnswers.next();
        secondAnswers.next();

        first.onCompleted();
        assertThat(firstAnswers.closed).succeedsWithin(5, TimeUnit.SECONDS);
        assertThat(proxy.sessions.session(ProxyHarness.CLIENT_ID)).isPresent();

        second.onError(new StatusRuntimeException(Status.CANCELLED));
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.sessions.session(ProxyHarness.CLIENT_ID).isEmpty());
    }

    @Test
    void unpromptedStackTraceRepliesAreIgnored() throws Exception {
        RecordingObserver<TelemetryCommand> answers = new RecordingObserver<>();
        StreamObserver<TelemetryCommand> stream = proxy.asyncStub(ProxyHarness.CLIENT_ID).telemetry(answers);

        stream.onNext(TelemetryCommand.newBuilder()
                .setThreadStackTrace(ThreadStackTrace.newBuilder().setNonce("n-1").setThreadStackTrace("main ..."))
                .build());
        stream.onNext(settings(producerSettings()));

        assertThat(answers.next().hasSettings()).isTrue();
        stream.onCompleted();
    }

    private static TelemetryCommand settings(Settings settings) {
        return TelemetryCommand.newBuilder().setSettings(settings).build();
    }

    /** What the Java producer sends (protocol §3.2). */
    private static Settings producerSettings() {
        return Settings.newBuilder()
                .setClientType(ClientType.PRODUCER)
                .setAccessPoint(ProxyHarness.ENDPOINTS)
                .setRequestTimeout(ProtoTime.duration(Duration.ofSeconds(3)))
                .setUserAgent(UA.newBuilder().setLanguage(Language.JAVA).setVersion("5.2.0").setHostname("test-host"))
                .setBackoffPolicy(dev.sluice.proto.rmq.v2.RetryPolicy.newBuilder()
                        .setMaxAttempts(3)
                        .setExponentialBackoff(ExponentialBackoff.newBuilder().setMultiplier(1)))
                .setPublishing(Publishing.newBuilder()
                        .addTopics(ProxyHarness.resource("orders"))
                        .setValidateMessageType(true))
                .build();
    }

    static Settings consumerSettings(ClientType type, String group) {
        return Settings.newBuilder()
                .setClientType(type)
                .setAccessPoint(ProxyHarness.ENDPOINTS)
                .setRequestTimeout(ProtoTime.duration(Duration.ofSeconds(3)))
                .setSubscription(Subscription.newBuilder()
                        .setGroup(ProxyHarness.resource(group))
                        .addSubscriptions(SubscriptionEntry.newBuilder()
                                .setTopic(ProxyHarness.resource("orders"))
                                .setExpression(FilterExpression.newBuilder().setType(FilterType.TAG).setExpression("*"))))
                .build();
    }
}
