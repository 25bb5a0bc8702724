package io.kaged.actors.acp;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The answers an operator gave "always" in one run ({@code allow_always}, {@code reject_always}), so the same
 * question is not asked again in that run. Immutable: the run actor keeps it in its state and rebuilds it by
 * replaying its decided approvals. A question is the same when its tool kind is, and for an execute call its
 * command line too (an "always" for {@code npm test} is not one for {@code rm -rf}).
 */
public record StandingPermissions(Map<String, PermissionOption.Kind> answers) implements Permissions {

    public static final StandingPermissions NONE = new StandingPermissions(Map.of());

    public StandingPermissions {
        answers = Map.copyOf(answers);
    }

    /** This run's answers after the operator picked an option of {@code kind} for {@code question}. */
    public StandingPermissions after(PermissionQuestion question, PermissionOption.Kind kind) {
        if (kind == null || !kind.always()) {
            return this;
        }
        Map<String, PermissionOption.Kind> next = new HashMap<>(answers);
        next.put(key(question), kind);
        return new StandingPermissions(next);
    }

    @Override
    public Optional<PolicyDecision> decide(PermissionQuestion question) {
        String key = key(question);
        PermissionOption.Kind kind = answers.get(key);
        if (kind == null) {
            return Optional.empty();
        }
        String rule = "run answer " + (kind.allows() ? "allow_always" : "reject_always") + " (" + key + ")";
        return Optional.of(new PolicyDecision(
                kind.allows() ? PolicyDecision.Decision.ALLOW : PolicyDecision.Decision.REJECT, rule));
    }

    static String key(PermissionQuestion question) {
        return question.kind() == ToolKind.EXECUTE && question.command() != null
                ? "execute " + question.command().trim().replaceAll("\\s+", " ")
                : question.kind().wireName();
    }
}
