package io.kaged.daemon.cli;

import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/** The size of the operator's terminal, for new sessions. */
final class TerminalSize {
    private TerminalSize() {}

    static Size current() throws java.io.IOException {
        try (Terminal t = TerminalBuilder.builder().system(true).build()) {
            Size s = t.getSize();
            return s.getColumns() > 0 ? s : new Size(80, 24);
        }
    }
}
