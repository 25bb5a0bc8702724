package io.kaged.daemon.cli;

import io.kaged.daemon.config.ConfigLoader;
import io.kaged.daemon.config.LoadedConfig;
import io.kaged.persistence.store.Mode;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --mode user|system}, shared by every command that finds the store. */
public final class ModeOption {

    @Option(
            names = "--mode",
            paramLabel = "user|system",
            description = "Per-user (default) or system-wide kaged; env KAGED_MODE does the same.",
            converter = ModeConverter.class)
    Mode mode;

    private final Map<String, String> environment;

    ModeOption(Map<String, String> environment) {
        this.environment = environment;
    }

    Map<String, String> environment() {
        return environment;
    }

    LoadedConfig load() {
        return ConfigLoader.load(environment, mode);
    }

    static final class ModeConverter implements picocli.CommandLine.ITypeConverter<Mode> {
        @Override
        public Mode convert(String value) {
            return Mode.parse(value, "--mode");
        }
    }
}
