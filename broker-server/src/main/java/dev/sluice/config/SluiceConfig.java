package dev.sluice.config;

import static dev.sluice.config.ConfigKeys.*;

import dev.sluice.broker.BrokerConfig;
import dev.sluice.broker.TransactionPolicy;
import dev.sluice.proxy.ProxyConfig;
import dev.sluice.store.StoreConfig;
import dev.sluice.store.file.FilePool;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Everything a standalone Sluice process is configured with, built from the keys of
 * {@link ConfigKeys}: defaults, then an optional properties file, then command-line flags.
 *
 * <p>Settings without a key keep the defaults of their record ({@link ProxyConfig#defaults()}).
 */
public record SluiceConfig(ServerConfig server, StoreConfig store, BrokerConfig broker, ProxyConfig proxy) {

    /**
     * @param file      the {@code --config} file, if one was given
     * @param overrides key → text from command-line flags; these win over the file
     * @throws ConfigException naming each unknown key or invalid value
     */
    public static SluiceConfig load(Optional<Path> file, Map<String, String> overrides) {
        List<ConfigSource> sources = new ArrayList<>();
        file.map(ConfigSource::fromFile).ifPresent(sources::add);
        sources.add(new ConfigSource("command line", overrides));
        return from(ConfigValues.resolve(sources));
    }

    public static SluiceConfig from(ConfigValues v) {
        requireOrdered(v, STORE_DISK_SOFT_WATERMARK, STORE_DISK_HARD_WATERMARK);
        requireOrdered(v, BROKER_MIN_INVISIBLE, BROKER_MAX_INVISIBLE);
        requireOrdered(v, BROKER_TRANSACTION_CHECK_INTERVAL, BROKER_TRANSACTION_MAX_CHECK_INTERVAL);
        requireDistinctPorts(v, GRPC_PORT, HTTP_PORT);
        OptionalInt controllerPort = OptionalInt.empty();
        if (v.get(CONTROLLER_ENABLED)) {
            requireDistinctPorts(v, GRPC_PORT, CONTROLLER_PORT);
            requireDistinctPorts(v, HTTP_PORT, CONTROLLER_PORT);
            controllerPort = OptionalInt.of(v.get(CONTROLLER_PORT));
        }
        ServerConfig server = new ServerConfig(v.get(HOST), v.get(GRPC_PORT), v.get(HTTP_PORT),
                v.get(GRPC_SHUTDOWN_GRACE), controllerPort);
        StoreConfig store = new StoreConfig(
                v.get(DATA_DIR),
                v.get(STORE_SEGMENT_SIZE),
                v.get(STORE_FLUSH_POLICY),
                v.get(STORE_ASYNC_FLUSH_INTERVAL),
                v.get(STORE_CHECKPOINT_INTERVAL),
                v.get(STORE_RETENTION),
                v.get(STORE_DISK_SOFT_WATERMARK),
                v.get(STORE_DISK_HARD_WATERMARK),
                v.get(STORE_QUEUE_SEGMENT_ENTRIES),
                v.get(STORE_MAX_OPEN_QUEUE_FILES) == 0 ? FilePool.fitProcessLimit() : v.get(STORE_MAX_OPEN_QUEUE_FILES),
                v.get(BROKER_DEDUP_WINDOW));
        BrokerConfig broker = new BrokerConfig(
                v.get(BROKER_AUTO_CREATE_TOPICS),
                v.get(BROKER_AUTO_CREATE_GROUPS),
                v.get(BROKER_DEFAULT_QUEUES),
                v.get(BROKER_AUTO_RENEW_INVISIBLE),
                v.get(BROKER_MAX_AUTO_RENEW),
                v.get(BROKER_MIN_INVISIBLE),
                v.get(BROKER_MAX_INVISIBLE),
                v.get(BROKER_DEDUP_WINDOW),
                v.get(BROKER_MAX_PENDING_SENDS),
                v.get(BROKER_MAX_DELIVERY_DELAY),
                new TransactionPolicy(
                        v.get(BROKER_TRANSACTION_FIRST_CHECK),
                        v.get(BROKER_TRANSACTION_CHECK_INTERVAL),
                        v.get(BROKER_TRANSACTION_MAX_CHECK_INTERVAL),
                        v.get(BROKER_TRANSACTION_MAX_CHECKS),
                        TransactionPolicy.DEFAULT.maxFirstCheck()));
        return new SluiceConfig(server, store, broker, proxy(v));
    }

    private static ProxyConfig proxy(ConfigValues v) {
        ProxyConfig d = ProxyConfig.defaults();
        return new ProxyConfig(
                Math.toIntExact(v.get(PROXY_MAX_BODY_SIZE)),
                d.maxInboundMessageBytes(),
                d.maxProperties(),
                d.maxPropertiesBytes(),
                d.minPollTimeout(),
                d.maxPollTimeout(),
                d.responseMargin(),
                v.get(PROXY_PUSH_RECEIVE_BATCH_SIZE),
                d.pushLongPollingTimeout(),
                d.producerBackoff(),
                d.brokerName());
    }

    private static void requireDistinctPorts(ConfigValues v, ConfigKey<Integer> one, ConfigKey<Integer> other) {
        int port = v.get(one);
        if (port != 0 && port == v.get(other)) {
            throw new ConfigException(one.name() + " and " + other.name() + " are both " + port + "; they must differ");
        }
    }

    private static <T extends Comparable<T>> void requireOrdered(ConfigValues v, ConfigKey<T> low, ConfigKey<T> high) {
        T lowValue = v.get(low);
        T highValue = v.get(high);
        if (lowValue.compareTo(highValue) > 0) {
            throw new ConfigException(low.name() + " (" + display(lowValue) + ") must not be above " + high.name()
                    + " (" + display(highValue) + ")");
        }
    }

    private static String display(Object value) {
        return value instanceof Duration d ? Units.formatDuration(d) : String.valueOf(value);
    }
}
