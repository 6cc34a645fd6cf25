package dev.sluice.launcher;

import dev.sluice.config.ConfigException;
import org.slf4j.bridge.SLF4JBridgeHandler;
import dev.sluice.controller.ControllerCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code sluice} program. Exit codes: 0 success, 1 the operation failed (the server refused
 * or could not be reached, start-up failed), 2 bad usage or bad configuration.
 */
@Command(name = "sluice", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "A message broker that speaks the Apache RocketMQ 5 gRPC protocol.",
        subcommands = {StandaloneCommand.class, ControllerCommand.class, AdminCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = CommandLine.ExitCode.USAGE;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        // gRPC logs through java.util.logging: send it to logback like everything else
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        System.exit(commandLine().execute(args));
    }

    /** The command line with Sluice's error handling; tests run it in-process. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            if (e instanceof ConfigException) {
                cmd.getErr().println("sluice: " + e.getMessage());
                cmd.getErr().flush();
                return EXIT_USAGE;
            }
            if (e instanceof StartupException) {
                cmd.getErr().println("sluice: " + e.getMessage());
                cmd.getErr().flush();
                return EXIT_FAILED;
            }
            throw e;
        });
        return commandLine;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: standalone or admin");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"sluice " + (version == null ? "(development build)" : version)};
        }
    }
}
