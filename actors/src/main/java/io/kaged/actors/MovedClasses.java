package io.kaged.actors;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.apache.pekko.serialization.jackson.JacksonMigration;

/**
 * Reads payloads stored under a class name that has since moved: the snapshot states that were nested in
 * the actors' files before they got files of their own. The JSON is unchanged (same fields, same
 * {@code @type} names); only the class the manifest names is another. Registered for each old name
 * under {@code pekko.serialization.jackson.migrations} in reference.conf; new payloads carry the new
 * names and are read without it.
 */
public final class MovedClasses extends JacksonMigration {

    private static final Map<String, String> MOVED = Map.ofEntries(
            Map.entry("io.kaged.actors.run.RunActor$Empty", "io.kaged.actors.run.RunState$Empty"),
            Map.entry("io.kaged.actors.run.RunActor$Queued", "io.kaged.actors.run.RunState$Queued"),
            Map.entry("io.kaged.actors.run.RunActor$Running", "io.kaged.actors.run.RunState$Running"),
            Map.entry("io.kaged.actors.run.RunActor$PausedRun", "io.kaged.actors.run.RunState$Paused"),
            Map.entry("io.kaged.actors.run.RunActor$Finished", "io.kaged.actors.run.RunState$Finished"),
            Map.entry("io.kaged.actors.session.SessionActor$Empty", "io.kaged.actors.session.SessionState$Empty"),
            Map.entry("io.kaged.actors.session.SessionActor$Starting", "io.kaged.actors.session.SessionState$Starting"),
            Map.entry("io.kaged.actors.session.SessionActor$Running", "io.kaged.actors.session.SessionState$Running"),
            Map.entry(
                    "io.kaged.actors.session.SessionActor$PausedState", "io.kaged.actors.session.SessionState$Paused"),
            Map.entry("io.kaged.actors.session.SessionActor$Ended", "io.kaged.actors.session.SessionState$Ended"));

    /** Payloads without a version in their manifest are version 1: they go through this migration. */
    @Override
    public int currentVersion() {
        return 2;
    }

    @Override
    public String transformClassName(int fromVersion, String className) {
        return MOVED.getOrDefault(className, className);
    }

    @Override
    public JsonNode transform(int fromVersion, JsonNode json) {
        return json;
    }
}
