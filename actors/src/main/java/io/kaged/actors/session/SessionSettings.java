package io.kaged.actors.session;

import com.typesafe.config.Config;
import io.kaged.actors.process.ProcessSettings;
import java.time.Duration;

/** {@code kaged.sessions}, read once; see reference.conf for what each bounds. */
public record SessionSettings(
        long scrollbackBytes,
        int flushBytes,
        Duration flushInterval,
        int maxUnrecordedBytes,
        int readBufferBytes,
        int clientBuffer,
        Duration killGrace,
        Backoff backoff,
        int maxWaitingCommands,
        Duration maxCommandWait) {

    public static SessionSettings fromConfig(Config config) {
        Config c = config.getConfig("kaged.sessions");
        return new SessionSettings(
                c.getBytes("scrollback"),
                c.getBytes("flush-bytes").intValue(),
                c.getDuration("flush-interval"),
                c.getBytes("max-unrecorded").intValue(),
                c.getBytes("read-buffer").intValue(),
                c.getInt("client-buffer"),
                c.getDuration("kill-grace"),
                new Backoff(
                        c.getDuration("restart.min-backoff"),
                        c.getDuration("restart.max-backoff"),
                        c.getDuration("restart.reset-after")),
                c.getInt("max-waiting-commands"),
                c.getDuration("max-command-wait"));
    }

    /** What the process core of a session needs. */
    public ProcessSettings process() {
        return new ProcessSettings(
                flushBytes, flushInterval, maxUnrecordedBytes, killGrace, maxWaitingCommands, maxCommandWait);
    }
}
