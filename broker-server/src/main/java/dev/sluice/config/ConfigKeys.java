package dev.sluice.config;

import dev.sluice.store.FlushPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Every configuration key Sluice knows, in the order the README lists them. */
public final class ConfigKeys {

    public static final ConfigKey<java.nio.file.Path> DATA_DIR = new ConfigKey<>("data-dir", ConfigType.path(),
            "./data", "Directory of the commit log, consume queues and metadata.");
    public static final ConfigKey<String> HOST = new ConfigKey<>("host", ConfigType.host(),
            "0.0.0.0", "Address the gRPC, HTTP and controller API servers bind to.");
    public static final ConfigKey<Integer> GRPC_PORT = new ConfigKey<>("grpc.port", ConfigType.port(),
            "8081", "Port of the RocketMQ v2 gRPC API and the admin API.");
    public static final ConfigKey<Duration> GRPC_SHUTDOWN_GRACE = new ConfigKey<>("grpc.shutdown-grace",
            ConfigType.duration(Duration.ZERO, Duration.ofMinutes(5)),
            "10s", "How long a stopping server lets in-flight calls finish before cancelling them.");
    public static final ConfigKey<Integer> HTTP_PORT = new ConfigKey<>("http.port", ConfigType.port(),
            "8080", "Port of /healthz and /readyz.");
    public static final ConfigKey<Boolean> CONTROLLER_ENABLED = new ConfigKey<>("controller.enabled", ConfigType.bool(),
            "true", "Run a one-node controller in the process; the broker registers with it and copies its topics "
            + "and groups into it (data in data-dir/controller).");
    public static final ConfigKey<Integer> CONTROLLER_PORT = new ConfigKey<>("controller.port", ConfigType.port(),
            "8082", "Port of the embedded controller's API (sluice admin --controller).");

    public static final ConfigKey<FlushPolicy> STORE_FLUSH_POLICY = new ConfigKey<>("store.flush-policy",
            ConfigType.oneOf(FlushPolicy.class), "ASYNC",
            "SYNC acknowledges a send, and answers a consumer's ack, only after fsync; ASYNC after the write"
                    + " reaches the page cache. Acks that arrive together share one write (and under SYNC one fsync).");
    public static final ConfigKey<Duration> STORE_ASYNC_FLUSH_INTERVAL = new ConfigKey<>(
            "store.async-flush-interval", ConfigType.duration(Duration.ofMillis(1), Duration.ofMinutes(1)),
            "500ms", "How often the ASYNC flush policy flushes the commit log to disk.");
    public static final ConfigKey<Duration> STORE_CHECKPOINT_INTERVAL = new ConfigKey<>(
            "store.checkpoint-interval", ConfigType.duration(Duration.ofMillis(100), Duration.ofHours(1)),
            "10s", "How often consume queues are written out and fsynced and the recovery checkpoint moves; "
            + "recovery after a crash replays the commit log written since the last one.");
    public static final ConfigKey<Long> STORE_SEGMENT_SIZE = new ConfigKey<>("store.segment-size",
            ConfigType.bytes(64L << 10, 1L << 30), "1GiB", "Size of each pre-allocated commit-log segment file.");
    public static final ConfigKey<Integer> STORE_QUEUE_SEGMENT_ENTRIES = new ConfigKey<>(
            "store.queue-segment-entries", ConfigType.integer(1024, 10_000_000), "300000",
            "Entries per consume-queue segment file.");
    public static final ConfigKey<Integer> STORE_MAX_OPEN_QUEUE_FILES = new ConfigKey<>(
            "store.max-open-queue-files", ConfigType.integer(0, 100_000_000), "0",
            "Consume-queue files kept open at most (one per queue in use); idle ones are closed beyond that. "
            + "0: the process's open-file limit less a quarter of it, at most 4096, kept for everything else.");
    public static final ConfigKey<Duration> STORE_RETENTION = new ConfigKey<>("store.retention",
            ConfigType.duration(Duration.ofMinutes(1), Duration.ofDays(3650)), "72h",
            "Commit-log segments older than this are deleted (never the active one, never data a group still needs).");
    public static final ConfigKey<Double> STORE_DISK_SOFT_WATERMARK = new ConfigKey<>(
            "store.disk-soft-watermark", ConfigType.fraction(), "0.85",
            "Disk usage past which old segments are deleted early, still keeping data a group needs.");
    public static final ConfigKey<Double> STORE_DISK_HARD_WATERMARK = new ConfigKey<>(
            "store.disk-hard-watermark", ConfigType.fraction(), "0.95",
            "Disk usage past which sends are refused and even needed old segments may be deleted.");

    public static final ConfigKey<Boolean> BROKER_AUTO_CREATE_TOPICS = new ConfigKey<>(
            "broker.auto-create-topics", ConfigType.bool(), "false",
            "A send to an unknown topic creates it as NORMAL (off: a typo must not create a topic).");
    public static final ConfigKey<Boolean> BROKER_AUTO_CREATE_GROUPS = new ConfigKey<>(
            "broker.auto-create-groups", ConfigType.bool(), "true",
            "A consumer group is created with default settings on first use.");
    public static final ConfigKey<Integer> BROKER_DEFAULT_QUEUES = new ConfigKey<>("broker.default-queues",
            ConfigType.integer(1, 1024), "8", "Queues of a topic created without a queue count.");
    public static final ConfigKey<Duration> BROKER_AUTO_RENEW_INVISIBLE = new ConfigKey<>(
            "broker.auto-renew-invisible", ConfigType.duration(Duration.ofSeconds(1), Duration.ofHours(12)),
            "60s", "Invisible time of deliveries to push consumers, renewed while the client lives.");
    public static final ConfigKey<Duration> BROKER_MAX_AUTO_RENEW = new ConfigKey<>("broker.max-auto-renew",
            ConfigType.duration(Duration.ofSeconds(1), Duration.ofDays(7)), "3h",
            "Longest a push-consumer delivery may be kept invisible by renewals.");
    public static final ConfigKey<Duration> BROKER_MIN_INVISIBLE = new ConfigKey<>("broker.min-invisible",
            ConfigType.duration(Duration.ofMillis(100), Duration.ofHours(12)), "10s",
            "Shortest invisible duration a client may ask for.");
    public static final ConfigKey<Duration> BROKER_MAX_INVISIBLE = new ConfigKey<>("broker.max-invisible",
            ConfigType.duration(Duration.ofSeconds(1), Duration.ofDays(7)), "12h",
            "Longest invisible duration a client may ask for.");
    public static final ConfigKey<Duration> BROKER_DEDUP_WINDOW = new ConfigKey<>("broker.dedup-window",
            ConfigType.duration(Duration.ZERO, Duration.ofDays(1)), "10m",
            "A resend of a message id within this time is stored once (0s turns it off).");
    public static final ConfigKey<Integer> BROKER_MAX_PENDING_SENDS = new ConfigKey<>("broker.max-pending-sends",
            ConfigType.integer(1, 10_000_000), "100000",
            "Messages accepted but not yet stored past which sends are told to back off (TOO_MANY_REQUESTS).");
    public static final ConfigKey<Duration> BROKER_MAX_DELIVERY_DELAY = new ConfigKey<>(
            "broker.max-delivery-delay", ConfigType.duration(Duration.ZERO, Duration.ofDays(3650)), "40d",
            "How far ahead a scheduled (DELAY) message may be due; later ones are refused (ILLEGAL_DELIVERY_TIME).");
    public static final ConfigKey<Duration> BROKER_TRANSACTION_FIRST_CHECK = new ConfigKey<>(
            "broker.transaction-first-check", ConfigType.duration(Duration.ZERO, Duration.ofHours(1)), "6s",
            "How long after its half message an unresolved transaction is first checked with its producer.");
    public static final ConfigKey<Duration> BROKER_TRANSACTION_CHECK_INTERVAL = new ConfigKey<>(
            "broker.transaction-check-interval", ConfigType.duration(Duration.ofMillis(100), Duration.ofHours(1)),
            "30s", "Wait after the first transaction check; doubles after each further check.");
    public static final ConfigKey<Duration> BROKER_TRANSACTION_MAX_CHECK_INTERVAL = new ConfigKey<>(
            "broker.transaction-max-check-interval", ConfigType.duration(Duration.ofMillis(100), Duration.ofDays(1)),
            "5m", "Longest wait between two checks of one transaction.");
    public static final ConfigKey<Integer> BROKER_TRANSACTION_MAX_CHECKS = new ConfigKey<>(
            "broker.transaction-max-checks", ConfigType.integer(1, 1000), "15",
            "Checks a live producer received without resolving a transaction before it is rolled back.");

    public static final ConfigKey<Long> PROXY_MAX_BODY_SIZE = new ConfigKey<>("proxy.max-body-size",
            ConfigType.bytes(1, 64L << 20), "4MiB", "Largest message body a send may carry.");
    public static final ConfigKey<Integer> PROXY_PUSH_RECEIVE_BATCH_SIZE = new ConfigKey<>(
            "proxy.push-receive-batch-size", ConfigType.integer(1, 1024), "32",
            "Messages a push consumer asks for per receive (it runs one receive at a time per assignment).");

    public static final List<ConfigKey<?>> ALL = List.of(
            DATA_DIR, HOST, GRPC_PORT, GRPC_SHUTDOWN_GRACE, HTTP_PORT, CONTROLLER_ENABLED, CONTROLLER_PORT,
            STORE_FLUSH_POLICY, STORE_ASYNC_FLUSH_INTERVAL, STORE_CHECKPOINT_INTERVAL, STORE_SEGMENT_SIZE, STORE_QUEUE_SEGMENT_ENTRIES,
            STORE_MAX_OPEN_QUEUE_FILES,
            STORE_RETENTION, STORE_DISK_SOFT_WATERMARK, STORE_DISK_HARD_WATERMARK,
            BROKER_AUTO_CREATE_TOPICS, BROKER_AUTO_CREATE_GROUPS, BROKER_DEFAULT_QUEUES,
            BROKER_AUTO_RENEW_INVISIBLE, BROKER_MAX_AUTO_RENEW, BROKER_MIN_INVISIBLE, BROKER_MAX_INVISIBLE,
            BROKER_DEDUP_WINDOW, BROKER_MAX_PENDING_SENDS, BROKER_MAX_DELIVERY_DELAY, BROKER_TRANSACTION_FIRST_CHECK,
            BROKER_TRANSACTION_CHECK_INTERVAL, BROKER_TRANSACTION_MAX_CHECK_INTERVAL, BROKER_TRANSACTION_MAX_CHECKS,
            PROXY_MAX_BODY_SIZE, PROXY_PUSH_RECEIVE_BATCH_SIZE);

    private ConfigKeys() {
    }

    public static Optional<ConfigKey<?>> byName(String name) {
        return ALL.stream().<ConfigKey<?>>map(k -> k).filter(k -> k.name().equals(name)).findFirst();
    }
}
