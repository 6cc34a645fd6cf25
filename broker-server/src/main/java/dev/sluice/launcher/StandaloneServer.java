package dev.sluice.launcher;

import dev.sluice.admin.AdminServiceImpl;
import dev.sluice.broker.LocalBroker;
import dev.sluice.config.ServerConfig;
import dev.sluice.config.SluiceConfig;
import dev.sluice.http.HttpEndpoints;
import dev.sluice.metrics.BrokerGauges;
import dev.sluice.metrics.RpcMetricsInterceptor;
import dev.sluice.metrics.SluiceMetrics;
import dev.sluice.metrics.TrafficMeters;
import io.grpc.ServerInterceptors;
import dev.sluice.proxy.ClientSessions;
import dev.sluice.proxy.grpc.GrpcServer;
import dev.sluice.proxy.grpc.MessagingServiceImpl;
import dev.sluice.store.LogStore;
import dev.sluice.store.StoreException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Store, broker, RocketMQ v2 + admin gRPC, metrics and the health endpoints of one standalone process.
 *
 * <p>Lifecycle: {@link #start} once, {@link #close} once or more (idempotent). Both are
 * synchronized, so a SIGTERM arriving during a long store recovery waits for it to finish and
 * then stops cleanly instead of closing a half-opened store. {@code /healthz} answers from the
 * first moment; {@code /readyz} only between the end of start and the beginning of close.
 */
public final class StandaloneServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StandaloneServer.class);

    private final SluiceConfig config;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean ready;
    private boolean closed;
    private HttpEndpoints http;
    private LogStore store;
    private LocalBroker broker;
    private GrpcServer grpc;
    private final SluiceMetrics metrics = new SluiceMetrics("standalone", "standalone", nodeId());
    private volatile BrokerGauges gauges;

    public StandaloneServer(SluiceConfig config) {
        this.config = config;
    }

    /**
     * Binds HTTP, opens (and recovers) the store, starts the broker and gRPC. On failure the
     * caller still owns what was opened and must {@link #close}.
     *
     * @throws StartupException when a port cannot be bound or the store cannot be opened
     */
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("stopped servers do not restart");
        }
        ServerConfig server = config.server();
        try {
            http = HttpEndpoints.start(server.host(), server.httpPort(), () -> ready, this::scrape);
        } catch (IOException e) {
            throw new StartupException("cannot serve HTTP on " + server.host() + ":" + server.httpPort() + ": " + e.getMessage(), e);
        }
        log.info("Opening store in {} (flush {})", config.store().dataDir(), config.store().flushPolicy());
        try {
            store = LogStore.open(config.store());
        } catch (StoreException e) {
            throw new StartupException("cannot open the store in " + config.store().dataDir() + ": " + e.getMessage(), e);
        }
        broker = new LocalBroker(store, config.broker());
        gauges = new BrokerGauges(broker, store, metrics.registry());
        RpcMetricsInterceptor rpcMetrics = new RpcMetricsInterceptor(new TrafficMeters(metrics.registry()));
        try {
            grpc = GrpcServer.startDefinitions(server.host(), server.grpcPort(), config.proxy(), List.of(
                    ServerInterceptors.intercept(new MessagingServiceImpl(broker, config.proxy(), new ClientSessions()),
                            rpcMetrics),
                    new AdminServiceImpl(broker, config.broker()).bindService()));
        } catch (IOException e) {
            throw new StartupException("cannot serve gRPC on " + server.host() + ":" + server.grpcPort() + ": " + e.getMessage(), e);
        }
        ready = true;
        log.info("{}", describe());
    }

    private String scrape() {
        BrokerGauges current = gauges;
        if (current != null && ready) {
            current.refresh();
        }
        return metrics.scrape();
    }

    private static String nodeId() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    public int grpcPort() {
        return grpc.port();
    }

    public int httpPort() {
        return http.port();
    }

    public boolean ready() {
        return ready;
    }

    /** One line for people: what this process listens on and where its data is. */
    public String describe() {
        String host = config.server().host();
        return "Sluice standalone: gRPC " + host + ":" + grpcPort() + " (RocketMQ v2 + admin), HTTP " + host + ":"
                + httpPort() + ", data " + config.store().dataDir() + ", flush " + config.store().flushPolicy();
    }

    /**
     * Stops in dependency order: gRPC (in-flight calls get the configured grace), broker, store
     * (flushes), HTTP last so probes see "not ready" until the end. A failing step is logged and
     * the next still runs: the store must be closed even if the broker's close failed.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        ready = false;
        log.info("Sluice stopping");
        if (grpc != null) {
            step("stop gRPC", () -> grpc.shutdown(config.server().shutdownGrace()));
        }
        if (broker != null) {
            step("close the broker", broker::close);
        }
        if (store != null) {
            step("close the store", store::close);
        }
        if (http != null) {
            step("stop HTTP", http::close);
        }
        step("close metrics", metrics::close);
        log.info("Sluice stopped");
        stopped.countDown();
    }

    /** Blocks until {@link #close} has finished. */
    public void awaitTermination() throws InterruptedException {
        stopped.await();
    }

    private static void step(String what, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            log.error("Failed to {} while stopping", what, e);
        }
    }
}
