package dev.sluice.controller;

import picocli.CommandLine;

/** Entry point of a standalone controller process; {@code bin/sluice controller} runs the same command. */
public final class ControllerMain {

    private ControllerMain() {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new ControllerCommand()).execute(args));
    }
}
