package dev.sluice.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The HTTP side of a Sluice process: {@code /metrics} for Prometheus, and for Kubernetes probes
 * {@code /healthz}, which answers 200 while the process runs and 503 once it failed in a way only
 * a restart repairs (the liveness probe then restarts it instead of leaving a broker up that
 * refuses every write); {@code /readyz} answers 200 once the process can serve clients (store
 * recovered, gRPC listening) and 503 before that, while stopping and after such a failure.
 *
 * <p>Handlers are trivial and run on the server's single dispatcher thread.
 */
public final class HttpEndpoints implements AutoCloseable {

    private static final String PLAIN_TEXT = "text/plain; charset=utf-8";
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;

    private HttpEndpoints(HttpServer server) {
        this.server = server;
    }

    /**
     * What the probes ask the process, on every request.
     *
     * @param failure why the process can no longer do its job until it restarts; empty while it can
     * @param ready   whether it serves clients now
     */
    public record Health(Supplier<Optional<String>> failure, BooleanSupplier ready) {
    }

    /**
     * Binds and starts serving.
     *
     * @param port    0 picks a free port; {@link #port()} tells which
     * @param metrics the Prometheus text served at {@code /metrics}, made on every scrape
     */
    public static HttpEndpoints start(String host, int port, Health health, Supplier<String> metrics)
            throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
        server.createContext("/metrics", exchange -> respond(exchange, 200, PROMETHEUS_TEXT, metrics.get()));
        server.createContext("/healthz", exchange -> {
            Optional<String> failure = health.failure().get();
            respond(exchange, failure.isPresent() ? 503 : 200, PLAIN_TEXT, failure.map(why -> "failed: " + why).orElse("ok"));
        });
        server.createContext("/readyz", exchange -> {
            Optional<String> failure = health.failure().get();
            boolean isReady = failure.isEmpty() && health.ready().getAsBoolean();
            respond(exchange, isReady ? 200 : 503, PLAIN_TEXT,
                    failure.map(why -> "failed: " + why).orElse(isReady ? "ready" : "not ready"));
        });
        server.start();
        return new HttpEndpoints(server);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body)
            throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            // the context matches by prefix: /healthzfoo is not ours
            if (!exchange.getRequestURI().getPath().equals(exchange.getHttpContext().getPath())) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            if (method.equals("HEAD")) {
                exchange.sendResponseHeaders(status, -1);
                return;
            }
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
