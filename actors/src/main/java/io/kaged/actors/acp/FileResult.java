package io.kaged.actors.acp;

import java.nio.file.Path;

/**
 * The outcome of a request {@link WorkspaceFiles} checked: an fs/* read's content, a write's record, a terminal's
 * working directory, or a refusal.
 */
public sealed interface FileResult {

    record Read(Path path, String content) implements FileResult {}

    /** A write, for the run event: the file, its size in bytes and the SHA-256 of its content (hex). */
    record Written(Path path, long size, String sha256) implements FileResult {}

    /** A working directory inside the workspace (a terminal's cwd): its real path. */
    record Directory(Path path) implements FileResult {}

    /** {@code path} is the path as the agent gave it; {@code message} a sentence for the agent and the log. */
    record Refused(String path, Refusal refusal, String message) implements FileResult {}

    enum Refusal {
        /** The path names a file outside every workspace root. */
        OUTSIDE_WORKSPACE(true),
        /** The path is inside, but a symbolic link on it leads outside. */
        SYMLINK_ESCAPE(true),
        /** A device, a FIFO or a socket: reading or writing one is not a file operation. */
        SPECIAL_FILE(true),
        /** Not a path at all (empty, NUL byte). */
        INVALID_PATH(false),
        NOT_FOUND(false),
        IS_DIRECTORY(false),
        TOO_LARGE(false),
        IO_ERROR(false);

        private final boolean sandbox;

        Refusal(boolean sandbox) {
            this.sandbox = sandbox;
        }

        /** Whether the refusal is a sandbox event (audited as {@code sandbox.*}) rather than a plain error. */
        public boolean sandbox() {
            return sandbox;
        }
    }
}
