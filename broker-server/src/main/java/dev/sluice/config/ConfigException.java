package dev.sluice.config;

/** A configuration that cannot start Sluice; the message names the key, the bad value and what is allowed. */
public class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
