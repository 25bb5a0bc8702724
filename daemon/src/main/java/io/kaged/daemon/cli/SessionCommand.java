package io.kaged.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.kaged.daemon.client.ClientException;
import io.kaged.daemon.client.DaemonClient;
import picocli.CommandLine.Command;

/** {@code kaged session ...}: sessions of the running daemon. */
@Command(
        name = "session",
        description = "Terminal sessions: new, ls, attach, pause, resume, kill, restart, diff.",
        subcommands = {
            SessionNewCommand.class,
            SessionDiffCommand.class,
            SessionLsCommand.class,
            SessionAttachCommand.class,
            SessionPauseCommand.class,
            SessionResumeCommand.class,
            SessionKillCommand.class,
            SessionRestartCommand.class
        })
public final class SessionCommand {

    /** Finds a session by full id, unique id prefix, or name. */
    static String resolve(DaemonClient client, String idOrName) {
        try {
            return client.get("/v1/sessions/" + idOrName).get("id").asText();
        } catch (ClientException e) {
            if (e.exitCode() != ClientException.NOT_FOUND) {
                throw e;
            }
        }
        JsonNode all = client.get("/v1/sessions?limit=1000").get("items");
        String match = null;
        for (JsonNode s : all) {
            String id = s.get("id").asText();
            if (id.startsWith(idOrName) || idOrName.equals(s.path("name").asText(null))) {
                if (match != null && !match.equals(id)) {
                    throw new ClientException(
                            ClientException.NOT_FOUND,
                            "'" + idOrName + "' matches more than one session; give more of the id.");
                }
                match = id;
            }
        }
        if (match == null) {
            throw new ClientException(
                    ClientException.NOT_FOUND, "no session matches '" + idOrName + "' (kaged session ls lists them).");
        }
        return match;
    }
}
