package dev.sluice.bench;

import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** bin/sluice-bench: benchmark scenarios against any RocketMQ 5 gRPC endpoint. */
@Command(name = "sluice-bench", mixinStandardHelpOptions = true,
        description = "Drives a RocketMQ 5 gRPC endpoint through the official Java client and reports throughput, "
                + "latency percentiles, loss and duplicates: a table, then one JSON line, on stdout.",
        subcommands = {ProduceScenario.class, EndToEndScenario.class, BacklogScenario.class, QueuesScenario.class,
            DelayScenario.class, NullServerCommand.class, TimerScaleCommand.class, ControllerWritesScenario.class})
public final class BenchMain {

    public static void main(String[] args) {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        // the clients' non-daemon threads would keep the JVM alive after a run: exit explicitly
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new BenchMain())
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println("sluice-bench " + cmd.getCommandName() + ": " + describe(e));
                    return 1;
                });
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getMessage() == null) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
