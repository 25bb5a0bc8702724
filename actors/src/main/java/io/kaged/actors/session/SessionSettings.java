package io.kaged.actors.session;

import com.typesafe.config.Config;
import io.kaged.actors.process.ProcessSettings;

/**
 * {@code kaged.sessions}, read once; see reference.conf for what each bounds.
 *
 * @param process what the process core of a session needs
 */
public record SessionSettings(
        ProcessSettings process, long scrollbackBytes, int readBufferBytes, int clientBuffer, Backoff backoff) {

    public static SessionSettings fromConfig(Config config) {
        Config c = config.getConfig("kaged.sessions");
        return new SessionSettings(
                ProcessSettings.read(
                        c, flushBytes -> c.getBytes("max-unrecorded").intValue()),
                c.getBytes("scrollback"),
                c.getBytes("read-buffer").intValue(),
                c.getInt("client-buffer"),
                new Backoff(
                        c.getDuration("restart.min-backoff"),
                        c.getDuration("restart.max-backoff"),
                        c.getDuration("restart.reset-after")));
    }
}
