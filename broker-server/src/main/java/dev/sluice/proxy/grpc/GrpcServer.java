package dev.sluice.proxy.grpc;

import dev.sluice.proxy.ProxyConfig;
import io.grpc.BindableService;
import io.grpc.ServerServiceDefinition;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty gRPC server the RocketMQ clients (and {@code sluice admin}) talk to.
 *
 * <p>Plaintext only: the Java client defaults to TLS, so users must build it with
 * {@code enableSsl(false)}; the Node client is plaintext by default.
 *
 * <p>Handlers run directly on Netty's event-loop threads ({@code directExecutor()}): a thread
 * hop per call cost ~7x the CPU per message (PERFORMANCE.md). Every handler must therefore
 * return without blocking and finish slow work from a future's callback.
 */
public final class GrpcServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GrpcServer.class);

    /**
     * The Java client pings every 5 minutes even without calls; grpc-java's default enforcer
     * would answer such pings on an idle connection with GOAWAY.
     */
    private static final Duration PERMITTED_KEEPALIVE_INTERVAL = Duration.ofMinutes(1);
    private static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(5);

    private final Server server;

    private GrpcServer(Server server) {
        this.server = server;
    }

    /**
     * Binds {@code host:port} (e.g. 127.0.0.1 or 0.0.0.0; port 0 picks a free one) and starts
     * serving {@code services}, each behind the {@link ClientHeadersInterceptor}.
     */
    public static GrpcServer start(String host, int port, ProxyConfig config, List<BindableService> services)
            throws IOException {
        return startDefinitions(host, port, config, services.stream().map(BindableService::bindService).toList());
    }

    /** Like {@link #start}, for services already wrapped in their own interceptors. */
    public static GrpcServer startDefinitions(String host, int port, ProxyConfig config,
                                              List<ServerServiceDefinition> services) throws IOException {
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
                .directExecutor()
                .maxInboundMessageSize(config.maxInboundMessageBytes())
                .permitKeepAliveWithoutCalls(true)
                .permitKeepAliveTime(PERMITTED_KEEPALIVE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS)
                .intercept(new ClientHeadersInterceptor());
        services.forEach(builder::addService);
        Server server = builder.build().start();
        log.info("gRPC listening on {}:{} (plaintext)", host, server.getPort());
        return new GrpcServer(server);
    }

    /** The bound port (the real one when started with port 0). */
    public int port() {
        return server.getPort();
    }

    /**
     * Stops accepting calls and lets running ones (long polls included) finish within
     * {@code grace}; cancels whatever is still running after that.
     */
    public void shutdown(Duration grace) {
        server.shutdown();
        try {
            if (!server.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                log.info("gRPC calls still running after {}; cancelling them", grace);
                server.shutdownNow();
                server.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        }
    }

    @Override
    public void close() {
        shutdown(DEFAULT_SHUTDOWN_GRACE);
    }
}
