package io.kaged.actors.acp;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * A project's ACP permission policy: ordered rules, the first that matches decides, no match decides nothing
 * (the operator is asked). Read from the project's config, {@code {"acp": {"permissions": [{"kind": "edit",
 * "path": "src/**", "decision": "allow"}, …]}}}; a rule names any of {@code kind}, {@code path} (a glob
 * relative to the workspace) and {@code command} (a command prefix, execute calls only), and a {@code
 * decision} of allow, reject or ask.
 */
public record PermissionPolicy(List<PermissionRule> rules) implements Permissions {

    public static final PermissionPolicy EMPTY = new PermissionPolicy(List.of());

    private static final Set<String> FIELDS = Set.of("kind", "path", "command", "decision");

    public PermissionPolicy {
        rules = List.copyOf(rules);
    }

    /** A policy read from config, or every reason it could not be, one sentence each. */
    public sealed interface Parsed {}

    public record Valid(PermissionPolicy policy) implements Parsed {}

    public record Invalid(List<String> errors) implements Parsed {
        public String message() {
            return String.join("; ", errors);
        }
    }

    @Override
    public Optional<PolicyDecision> decide(PermissionQuestion question) {
        for (PermissionRule rule : rules) {
            Optional<PolicyDecision> decision = rule.decide(question);
            if (decision.isPresent()) {
                return decision;
            }
        }
        return Optional.empty();
    }

    /** The policy in a project's whole config; no {@code acp.permissions} is the empty policy. */
    public static Parsed fromConfig(JsonNode config) {
        if (config == null || config.isNull() || config.isMissingNode()) {
            return new Valid(EMPTY);
        }
        JsonNode acp = config.path("acp");
        if (acp.isMissingNode() || acp.isNull()) {
            return new Valid(EMPTY);
        }
        if (!acp.isObject()) {
            return new Invalid(List.of("acp must be an object like {\"permissions\": [...]}"));
        }
        JsonNode permissions = acp.path("permissions");
        if (permissions.isMissingNode() || permissions.isNull()) {
            return new Valid(EMPTY);
        }
        return parseRules(permissions);
    }

    /** The rules of an {@code acp.permissions} array. */
    public static Parsed parseRules(JsonNode permissions) {
        if (!permissions.isArray()) {
            return new Invalid(List.of("acp.permissions must be an array of rules like "
                    + "{\"kind\": \"edit\", \"path\": \"src/**\", \"decision\": \"allow\"}"));
        }
        List<PermissionRule> rules = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (int i = 0; i < permissions.size(); i++) {
            parseRule(i, permissions.get(i), errors).ifPresent(rules::add);
        }
        return errors.isEmpty() ? new Valid(new PermissionPolicy(rules)) : new Invalid(errors);
    }

    private static Optional<PermissionRule> parseRule(int index, JsonNode rule, List<String> errors) {
        String at = "acp.permissions[" + index + "]";
        if (!rule.isObject()) {
            errors.add(at + " must be an object like {\"kind\": \"edit\", \"decision\": \"allow\"}");
            return Optional.empty();
        }
        int before = errors.size();
        for (Iterator<String> names = rule.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                errors.add(at + " has an unknown field '" + name + "'; a rule has kind, path, command and decision");
            }
        }
        List<RuleCondition> conditions = new ArrayList<>();
        ToolKind kind = null;
        JsonNode kindNode = rule.get("kind");
        if (kindNode != null) {
            kind = text(kindNode).flatMap(ToolKind::fromWire).orElse(null);
            if (kind == null) {
                errors.add(at + ".kind " + kindNode + " is not a tool kind; use one of " + kinds());
            } else {
                conditions.add(new RuleCondition.KindIs(kind));
            }
        }
        JsonNode pathNode = rule.get("path");
        if (pathNode != null) {
            pathCondition(at, pathNode, errors).ifPresent(conditions::add);
        }
        JsonNode commandNode = rule.get("command");
        if (commandNode != null) {
            Optional<String> command = text(commandNode).filter(c -> !c.isBlank());
            if (command.isEmpty()) {
                errors.add(at + ".command must be a non-empty string, a command prefix such as \"git push\"");
            } else if (kind != null && kind != ToolKind.EXECUTE) {
                errors.add(at + ".command applies to execute calls only, but the rule's kind is " + kind.wireName());
            } else {
                if (kind == null) {
                    conditions.add(new RuleCondition.KindIs(ToolKind.EXECUTE));
                }
                conditions.add(RuleCondition.CommandPrefix.of(command.get()));
            }
        }
        PolicyDecision.Decision decision = null;
        JsonNode decisionNode = rule.get("decision");
        if (decisionNode == null) {
            errors.add(at + ".decision is missing; use allow, reject or ask");
        } else {
            decision = text(decisionNode).flatMap(PermissionPolicy::decision).orElse(null);
            if (decision == null) {
                errors.add(at + ".decision " + decisionNode + " is not allow, reject or ask");
            }
        }
        return errors.size() == before
                ? Optional.of(new PermissionRule(index, conditions, decision))
                : Optional.empty();
    }

    private static Optional<RuleCondition> pathCondition(String at, JsonNode node, List<String> errors) {
        Optional<String> glob = text(node).filter(g -> !g.isBlank());
        if (glob.isEmpty()) {
            errors.add(at + ".path must be a non-empty string, a glob relative to the workspace such as \"src/**\"");
            return Optional.empty();
        }
        String g = glob.get();
        if (g.startsWith("/") || g.startsWith("~")) {
            errors.add(at + ".path \"" + g + "\" must be relative to the workspace, e.g. \"src/**\"");
            return Optional.empty();
        }
        if (List.of(g.split("/")).contains("..")) {
            errors.add(at + ".path \"" + g + "\" must not leave the workspace with \"..\"");
            return Optional.empty();
        }
        try {
            return Optional.of(RuleCondition.PathGlob.of(g));
        } catch (PatternSyntaxException e) {
            errors.add(at + ".path \"" + g + "\" is not a valid glob: " + e.getDescription());
            return Optional.empty();
        }
    }

    private static Optional<String> text(JsonNode node) {
        return node.isTextual() ? Optional.of(node.asText()) : Optional.empty();
    }

    private static Optional<PolicyDecision.Decision> decision(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "allow" -> Optional.of(PolicyDecision.Decision.ALLOW);
            case "reject" -> Optional.of(PolicyDecision.Decision.REJECT);
            case "ask" -> Optional.of(PolicyDecision.Decision.ASK);
            default -> Optional.empty();
        };
    }

    private static String kinds() {
        return java.util.Arrays.stream(ToolKind.values())
                .map(ToolKind::wireName)
                .collect(Collectors.joining(", "));
    }
}
