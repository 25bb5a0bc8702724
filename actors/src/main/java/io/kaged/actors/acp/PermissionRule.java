package io.kaged.actors.acp;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One rule of a project's ACP policy: its conditions (all must hold) and its decision. {@code name} is how
 * the audit log names it: its place in the config and what it says, e.g. {@code acp.permissions[0] (kind edit,
 * path src/**: allow)}.
 */
public record PermissionRule(int index, List<RuleCondition> conditions, PolicyDecision.Decision decision)
        implements Permissions {

    public PermissionRule {
        conditions = List.copyOf(conditions);
    }

    public String name() {
        String what = conditions.isEmpty()
                ? "any tool call"
                : conditions.stream().map(RuleCondition::describe).collect(Collectors.joining(", "));
        return "acp.permissions[" + index + "] (" + what + ": " + decision.label() + ")";
    }

    public boolean matches(PermissionQuestion question) {
        boolean all = decision == PolicyDecision.Decision.ALLOW;
        return conditions.stream().allMatch(c -> c.test(question, all));
    }

    @Override
    public Optional<PolicyDecision> decide(PermissionQuestion question) {
        return matches(question) ? Optional.of(new PolicyDecision(decision, name())) : Optional.empty();
    }
}
