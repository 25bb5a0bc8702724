package io.kaged.http;

import com.typesafe.config.Config;
import java.time.Duration;

/** {@code kaged.http}, read once. */
public record HttpSettings(String host, int port, long maxBodyBytes, Duration askTimeout) {

    public static HttpSettings fromConfig(Config config) {
        Config c = config.getConfig("kaged.http");
        return new HttpSettings(
                c.getString("host"), c.getInt("port"), c.getBytes("max-body"), c.getDuration("ask-timeout"));
    }

    public HttpSettings withPort(int newPort) {
        return new HttpSettings(host, newPort, maxBodyBytes, askTimeout);
    }
}
