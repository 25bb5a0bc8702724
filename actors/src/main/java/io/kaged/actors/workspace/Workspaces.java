package io.kaged.actors.workspace;

import java.time.Clock;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * The actor system's one {@link WorkspaceStore}, from {@code kaged.workspaces}: the run actors, the purge and
 * the HTTP diff all reach it here, so runs of one workspace repository share its per-run lock.
 */
public final class Workspaces implements Extension {

    private static final ExtensionId<Workspaces> ID = new ExtensionId<>() {
        @Override
        public Workspaces createExtension(ActorSystem<?> system) {
            return new Workspaces(new WorkspaceStore(
                    WorkspaceSettings.fromConfig(system.settings().config()), Clock.systemUTC()));
        }
    };

    private final WorkspaceStore store;

    private Workspaces(WorkspaceStore store) {
        this.store = store;
    }

    public static WorkspaceStore store(ActorSystem<?> system) {
        return ID.apply(system).store;
    }
}
