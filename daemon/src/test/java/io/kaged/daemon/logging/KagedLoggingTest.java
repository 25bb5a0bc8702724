package io.kaged.daemon.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KagedLoggingTest {

    @AfterEach
    void clearProperties() {
        System.clearProperty("kaged.log.level");
        System.clearProperty("logback.configurationFile");
    }

    private static Configurator.ExecutionStatus configure(LoggerContext context) {
        KagedLogging logging = new KagedLogging();
        logging.setContext(context);
        return logging.configure(context);
    }

    @Test
    void clientsLogWarningsToStderrAndTheDaemonAtItsLevel() {
        LoggerContext quiet = new LoggerContext();
        assertEquals(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY, configure(quiet));
        Logger root = quiet.getLogger(Logger.ROOT_LOGGER_NAME);
        assertEquals(Level.WARN, root.getLevel());
        ConsoleAppender<ILoggingEvent> stderr = (ConsoleAppender<ILoggingEvent>) root.getAppender("STDERR");
        assertNotNull(stderr);
        assertEquals("System.err", stderr.getTarget());
        assertTrue(stderr.isStarted());
        assertEquals(KagedLogging.PATTERN, ((PatternLayoutEncoder) stderr.getEncoder()).getPattern());

        System.setProperty("kaged.log.level", "INFO");
        LoggerContext daemon = new LoggerContext();
        configure(daemon);
        assertEquals(Level.INFO, daemon.getLogger(Logger.ROOT_LOGGER_NAME).getLevel());
        assertEquals(Level.WARN, daemon.getLogger("org.flywaydb").getLevel());
        assertEquals(Level.WARN, daemon.getLogger("com.zaxxer.hikari").getLevel());
    }

    @Test
    void anOperatorsFileWinsAndMatchesTheDefault() throws Exception {
        System.setProperty("logback.configurationFile", "/etc/kaged/logback.xml");
        LoggerContext context = new LoggerContext();
        assertEquals(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY, configure(context));
        assertNull(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR"));
        // conf/logback.xml is the starting point operators copy: it must say what the default does.
        String example = Files.readString(Path.of("..", "conf", "logback.xml"));
        assertTrue(example.contains("<pattern>" + KagedLogging.PATTERN + "</pattern>"), example);
        assertTrue(example.contains("${kaged.log.level:-WARN}"), example);
    }
}
