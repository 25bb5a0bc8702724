package io.kaged.actors.acp;

import java.util.List;
import java.util.Optional;

/**
 * Which of the options an agent offered carries a decision. Allow picks {@code allow_once} before {@code
 * allow_always}, and reject {@code reject_once} before {@code reject_always}: the policy is asked again next
 * time, so it stays the one deciding (and each decision stays in the audit log) instead of the agent
 * remembering an answer kaged cannot see. Ask, or no option of the decision's family, picks nothing: the
 * operator is asked.
 */
public final class OptionChoice {

    private OptionChoice() {}

    public static Optional<PermissionOption> forDecision(
            PolicyDecision.Decision decision, List<PermissionOption> offered) {
        return switch (decision) {
            case ALLOW -> first(offered, PermissionOption.Kind.ALLOW_ONCE, PermissionOption.Kind.ALLOW_ALWAYS);
            case REJECT -> first(offered, PermissionOption.Kind.REJECT_ONCE, PermissionOption.Kind.REJECT_ALWAYS);
            case ASK -> Optional.empty();
        };
    }

    private static Optional<PermissionOption> first(
            List<PermissionOption> offered, PermissionOption.Kind preferred, PermissionOption.Kind fallback) {
        return offered.stream().filter(o -> o.kind() == preferred).findFirst().or(() -> offered.stream()
                .filter(o -> o.kind() == fallback)
                .findFirst());
    }
}
