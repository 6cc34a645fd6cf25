package dev.sluice.config;

import java.time.Duration;
import java.util.OptionalInt;

/**
 * Where the standalone process listens.
 *
 * @param grpcPort       RocketMQ v2 and admin gRPC; 0 picks a free port
 * @param httpPort       health endpoints; 0 picks a free port
 * @param shutdownGrace  how long in-flight gRPC calls may run on after a stop was asked for
 * @param controllerPort API of the embedded controller; 0 picks a free port; empty: no controller
 */
public record ServerConfig(String host, int grpcPort, int httpPort, Duration shutdownGrace,
                           OptionalInt controllerPort) {
}
