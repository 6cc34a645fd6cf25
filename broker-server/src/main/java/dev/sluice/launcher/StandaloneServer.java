package dev.sluice.launcher;

import dev.sluice.admin.AdminServiceImpl;
import dev.sluice.admin.ChangeMirror;
import dev.sluice.cluster.ControllerMirror;
import dev.sluice.controller.server.ControllerConfig;
import dev.sluice.controller.server.ControllerServer;
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
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Store, broker, RocketMQ v2 + admin gRPC, metrics, the health endpoints and (unless disabled)
 * a one-node controller of one standalone process.
 *
 * <p>Lifecycle: {@link #start} once, {@link #close} once or more (idempotent). Both are
 * synchronized, so a SIGTERM arriving during a long store recovery waits for it to finish and
 * then stops cleanly instead of closing a half-opened store. {@code /healthz} answers from the
 * first moment until the store fails for good (then a restart is the only repair);
 * {@code /readyz} only between the end of start and the beginning of close, and never after such a failure.
 */
public final class StandaloneServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StandaloneServer.class);
    private static final String CONTROLLER_NODE_ID = "standalone";
    /** A quarter of the controller's heartbeat timeout: one late heartbeat never marks the broker down. */
    private static final Duration CONTROLLER_HEARTBEAT_INTERVAL = ControllerConfig.DEFAULT_HEARTBEAT_TIMEOUT.dividedBy(4);

    private final SluiceConfig config;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean ready;
    private boolean closed;
    private HttpEndpoints http;
    /** Volatile: the probes read it on the HTTP thread. */
    private volatile LogStore store;
    private LocalBroker broker;
    private GrpcServer grpc;
    /** Null without a controller. */
    private ControllerServer controller;
    private ControllerMirror controllerMirror;
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
            http = HttpEndpoints.start(server.host(), server.httpPort(), new HttpEndpoints.Health(this::storeFailure, () -> ready),
                    this::scrape);
        } catch (IOException e) {
            throw new StartupException("cannot serve HTTP on " + server.host() + ":" + server.httpPort() + ": " + e.getMessage(), e);
        }
        if (server.controllerPort().isPresent()) {
            startController(server);
        }
        log.info("Opening store in {} (flush {})", config.store().dataDir(), config.store().flushPolicy());
        try {
            store = LogStore.open(config.store());
        } catch (StoreException e) {
            throw new StartupException("cannot open the store in " + config.store().dataDir() + ": " + e.getMessage(), e);
        }
        broker = new LocalBroker(store, config.broker());
        gauges = new BrokerGauges(broker, store, metrics.registry());
        ChangeMirror mirror = ChangeMirror.NONE;
        if (controller != null) {
            controllerMirror = new ControllerMirror(controller, broker, CONTROLLER_HEARTBEAT_INTERVAL);
            mirror = controllerMirror;
        }
        RpcMetricsInterceptor rpcMetrics = new RpcMetricsInterceptor(new TrafficMeters(metrics.registry()));
        try {
            grpc = GrpcServer.startDefinitions(server.host(), server.grpcPort(), config.proxy(), List.of(
                    ServerInterceptors.intercept(new MessagingServiceImpl(broker, config.proxy(), new ClientSessions()),
                            rpcMetrics),
                    new AdminServiceImpl(broker, config.broker(), mirror).bindService()));
        } catch (IOException e) {
            throw new StartupException("cannot serve gRPC on " + server.host() + ":" + server.grpcPort() + ": " + e.getMessage(), e);
        }
        if (controllerMirror != null) {
            controllerMirror.start(List.of(advertisedHost(server.host()) + ":" + grpc.port()));
        }
        ready = true;
        log.info("{}", describe());
    }

    /**
     * Binds the controller API now; Ratis loads and starts in the background (it takes seconds),
     * so readiness does not wait for it. Until then its callers, the broker's copy of its topics
     * included, wait or are told to retry.
     */
    private void startController(ServerConfig server) {
        Path dir = config.store().dataDir().resolve("controller");
        try {
            controller = ControllerServer.startInBackground(ControllerConfig.embedded(CONTROLLER_NODE_ID, dir,
                    server.host(), server.controllerPort().getAsInt()));
            controller.bindMetrics(metrics.registry());
        } catch (IOException e) {
            throw new StartupException("cannot start the embedded controller (data " + dir + "): " + e.getMessage(), e);
        }
    }

    /** The address other processes reach this broker at: a wildcard bind address is no address. */
    private static String advertisedHost(String host) {
        String reachable = host.equals("0.0.0.0") || host.equals("::") ? nodeId() : host;
        return reachable.contains(":") ? "[" + reachable + "]" : reachable;
    }

    /** The store's I/O failure, after which only a restart helps; asked by the probes. */
    private Optional<String> storeFailure() {
        LogStore current = store;
        return current == null ? Optional.empty() : current.failure().map(StoreException::getMessage);
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

    /** The embedded controller's API port, or empty when it is disabled. */
    public OptionalInt controllerPort() {
        return controller == null ? OptionalInt.empty() : OptionalInt.of(controller.grpcPort());
    }

    public boolean ready() {
        return ready;
    }

    /** One line for people: what this process listens on and where its data is. */
    public String describe() {
        String host = config.server().host();
        return "Sluice standalone: gRPC " + host + ":" + grpcPort() + " (RocketMQ v2 + admin), HTTP " + host + ":"
                + httpPort() + (controller == null ? ", no controller" : ", controller " + host + ":"
                + controller.grpcPort()) + ", data " + config.store().dataDir() + ", flush "
                + config.store().flushPolicy();
    }

    /**
     * Stops in dependency order: gRPC (in-flight calls get the configured grace), the controller
     * link and the controller, broker, store (flushes), HTTP last so probes see "not ready" until the end. A failing step is logged and
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
        if (controllerMirror != null) {
            step("stop copying to the controller", controllerMirror::close);
        }
        if (controller != null) {
            step("stop the controller", this::closeController);
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

    private void closeController() {
        try {
            controller.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
