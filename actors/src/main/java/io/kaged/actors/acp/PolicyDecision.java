package io.kaged.actors.acp;

import java.util.Locale;

/**
 * What decided a permission request before the operator was asked: the decision and the rule that made it,
 * as the audit row names it ({@code by: policy RULE}).
 */
public record PolicyDecision(Decision decision, String rule) {

    public enum Decision {
        ALLOW,
        REJECT,
        ASK;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** No rule matched: the operator decides. */
    public static final PolicyDecision DEFAULT = new PolicyDecision(Decision.ASK, "default");

    /** For the audit row's {@code by}. */
    public String by() {
        return "policy " + rule;
    }
}
