package io.kaged.persistence.backup;

/** A backup or restore that could not be done; the message says why and what to do. */
public final class BackupException extends RuntimeException {
    public BackupException(String message) {
        super(message);
    }

    public BackupException(String message, Throwable cause) {
        super(message, cause);
    }
}
