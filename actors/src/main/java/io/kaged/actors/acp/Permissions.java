package io.kaged.actors.acp;

import java.util.List;
import java.util.Optional;

/**
 * Something that may decide a permission request: the project's policy, the run's standing answers. They
 * compose in order, the first that decides wins, and when none does the operator is asked.
 */
@FunctionalInterface
public interface Permissions {

    Optional<PolicyDecision> decide(PermissionQuestion question);

    /** The first of {@code sources} that decides; {@link PolicyDecision#DEFAULT} (ask) when none does. */
    static PolicyDecision decide(PermissionQuestion question, List<? extends Permissions> sources) {
        for (Permissions source : sources) {
            Optional<PolicyDecision> decision = source.decide(question);
            if (decision.isPresent()) {
                return decision.get();
            }
        }
        return PolicyDecision.DEFAULT;
    }
}
