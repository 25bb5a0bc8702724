package io.kaged.persistence.store;

/**
 * A configuration mistake an operator can fix: the message names the setting, the bad value (masked)
 * and an example of a good one. Thrown at start, never later.
 */
public final class StorageConfigException extends RuntimeException {
    public StorageConfigException(String message) {
        super(message);
    }

    public StorageConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
