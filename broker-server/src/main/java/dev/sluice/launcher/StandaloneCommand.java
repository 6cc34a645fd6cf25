package dev.sluice.launcher;

import dev.sluice.config.ConfigKey;
import dev.sluice.config.ConfigKeys;
import dev.sluice.config.SluiceConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sluice standalone}: store, broker, RocketMQ v2 gRPC API, admin API and health endpoints
 * in one process. Flags are shorthands for configuration keys and win over the config file;
 * they go through the same validation.
 */
@Command(name = "standalone", mixinStandardHelpOptions = true,
        description = "Run store, broker and the RocketMQ v2 gRPC API in this process until SIGTERM.")
final class StandaloneCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "Java .properties file with configuration keys.")
    Path configFile;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory (default ./data).")
    String dataDir;

    @Option(names = "--host", paramLabel = "ADDRESS", description = "Address to bind (default 0.0.0.0).")
    String host;

    @Option(names = "--grpc-port", paramLabel = "PORT", description = "gRPC port (default 8081, 0 = any free port).")
    String grpcPort;

    @Option(names = "--http-port", paramLabel = "PORT", description = "HTTP health port (default 8080, 0 = any free port).")
    String httpPort;

    @Option(names = "--controller-port", paramLabel = "PORT",
            description = "API port of the embedded controller (default 8082, 0 = any free port).")
    String controllerPort;

    @Option(names = "--no-controller", description = "Run without the embedded controller.")
    boolean noController;

    @Option(names = "--flush-policy", paramLabel = "ASYNC|SYNC", description = "When a send is acknowledged (default ASYNC).")
    String flushPolicy;

    @Option(names = "--auto-create-topics", description = "A send to an unknown topic creates it as NORMAL.")
    boolean autoCreateTopics;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Any configuration key (repeatable).")
    Map<String, String> settings = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        SluiceConfig config = SluiceConfig.load(Optional.ofNullable(configFile), overrides());
        StandaloneServer server = new StandaloneServer(config);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "sluice-shutdown"));
        try {
            server.start();
        } catch (Exception e) {
            server.close();
            throw e;
        }
        spec.commandLine().getOut().println(server.describe());
        spec.commandLine().getOut().println("SLUICE_READY grpc=" + server.grpcPort() + " http=" + server.httpPort()
                + (server.controllerPort().isPresent() ? " controller=" + server.controllerPort().getAsInt() : ""));
        spec.commandLine().getOut().flush();
        server.awaitTermination();
        return 0;
    }

    /** Flags as configuration keys; an explicit flag wins over {@code --set}. */
    Map<String, String> overrides() {
        Map<String, String> overrides = new LinkedHashMap<>(settings);
        put(overrides, ConfigKeys.DATA_DIR, dataDir);
        put(overrides, ConfigKeys.HOST, host);
        put(overrides, ConfigKeys.GRPC_PORT, grpcPort);
        put(overrides, ConfigKeys.HTTP_PORT, httpPort);
        put(overrides, ConfigKeys.CONTROLLER_PORT, controllerPort);
        if (noController) {
            put(overrides, ConfigKeys.CONTROLLER_ENABLED, "false");
        }
        put(overrides, ConfigKeys.STORE_FLUSH_POLICY, flushPolicy);
        if (autoCreateTopics) {
            put(overrides, ConfigKeys.BROKER_AUTO_CREATE_TOPICS, "true");
        }
        return overrides;
    }

    private static void put(Map<String, String> overrides, ConfigKey<?> key, String value) {
        if (value != null) {
            overrides.put(key.name(), value);
        }
    }
}
