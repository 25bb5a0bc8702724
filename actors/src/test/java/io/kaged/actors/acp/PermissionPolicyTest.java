package io.kaged.actors.acp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kaged.actors.acp.PolicyDecision.Decision;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PermissionPolicyTest {

    private static final Path WORKSPACE = Path.of("/home/op/project");

    private static PermissionPolicy policy(String json) throws Exception {
        JsonNode config = AcpJson.mapper().readTree(json);
        PermissionPolicy.Parsed parsed = PermissionPolicy.fromConfig(config);
        return assertInstanceOf(PermissionPolicy.Valid.class, parsed, parsed.toString())
                .policy();
    }

    private static List<String> errors(String json) throws Exception {
        PermissionPolicy.Parsed parsed =
                PermissionPolicy.fromConfig(AcpJson.mapper().readTree(json));
        return assertInstanceOf(PermissionPolicy.Invalid.class, parsed).errors();
    }

    private static PermissionQuestion edit(String... paths) {
        List<ToolCallLocation> locations = java.util.Arrays.stream(paths)
                .map(p -> new ToolCallLocation(p, null))
                .toList();
        return PermissionQuestion.of(
                new SessionUpdate.ToolCallUpdate("t", "Edit", ToolKind.EDIT, null, null, locations, null, null),
                List.of(WORKSPACE));
    }

    private static PermissionQuestion execute(String command) {
        ObjectNode raw = JsonNodeFactory.instance.objectNode().put("command", command);
        return PermissionQuestion.of(
                new SessionUpdate.ToolCallUpdate("t", "Run", ToolKind.EXECUTE, null, null, null, raw, null),
                List.of(WORKSPACE));
    }

    private static final String EXAMPLE = "{\"acp\": {\"permissions\": ["
            + "{\"kind\": \"edit\", \"path\": \"src/**\", \"decision\": \"allow\"},"
            + "{\"kind\": \"execute\", \"command\": \"git push\", \"decision\": \"reject\"},"
            + "{\"kind\": \"read\", \"decision\": \"allow\"}]}}";

    @Test
    void theFirstMatchingRuleDecidesAndNamesItself() throws Exception {
        PermissionPolicy p = policy(EXAMPLE);
        PolicyDecision d = Permissions.decide(edit("/home/op/project/src/a/B.java"), List.of(p));
        assertEquals(Decision.ALLOW, d.decision());
        assertEquals("acp.permissions[0] (kind edit, path src/**: allow)", d.rule());
        assertEquals("policy acp.permissions[0] (kind edit, path src/**: allow)", d.by());
        PolicyDecision push = Permissions.decide(execute("git push origin main"), List.of(p));
        assertEquals(Decision.REJECT, push.decision());
        assertEquals("acp.permissions[1] (kind execute, command git push: reject)", push.rule());
    }

    @Test
    void noMatchAsksTheOperator() throws Exception {
        PermissionPolicy p = policy(EXAMPLE);
        assertEquals(PolicyDecision.DEFAULT, Permissions.decide(edit("/home/op/project/README.md"), List.of(p)));
        assertEquals(PolicyDecision.DEFAULT, Permissions.decide(execute("git pushall"), List.of(p)));
        assertEquals(PolicyDecision.DEFAULT, Permissions.decide(execute("npm test"), List.of(p)));
        assertEquals(Decision.ASK, PolicyDecision.DEFAULT.decision());
        assertEquals(Optional.empty(), PermissionPolicy.EMPTY.decide(execute("ls")));
    }

    @Test
    void anAllowHoldsForEveryFileAndNeverOutsideTheWorkspace() throws Exception {
        PermissionPolicy p = policy(EXAMPLE);
        assertEquals(
                PolicyDecision.DEFAULT,
                Permissions.decide(edit("/home/op/project/src/a", "/home/op/project/build.sh"), List.of(p)));
        assertEquals(
                PolicyDecision.DEFAULT, Permissions.decide(edit("/home/op/project/src/a", "/etc/passwd"), List.of(p)));
        assertEquals(
                PolicyDecision.DEFAULT, Permissions.decide(edit("/home/op/project/src/../../x/src/a"), List.of(p)));
        assertEquals(PolicyDecision.DEFAULT, Permissions.decide(edit(), List.of(p)));
        assertEquals(
                Decision.ALLOW,
                Permissions.decide(edit("src/rel.txt"), List.of(p)).decision());
    }

    @Test
    void aRejectNeedsOnlyOneCommandOrFile() throws Exception {
        PermissionPolicy p = policy(EXAMPLE);
        assertEquals(
                Decision.REJECT,
                Permissions.decide(execute("git add . && git push"), List.of(p)).decision());
        assertEquals(
                Decision.REJECT,
                Permissions.decide(execute("make;  git   push -f"), List.of(p)).decision());
        PermissionPolicy secrets = policy("{\"acp\":{\"permissions\":[{\"path\":\"**/.env\",\"decision\":\"reject\"},"
                + "{\"kind\":\"edit\",\"decision\":\"allow\"}]}}");
        assertEquals(
                Decision.REJECT,
                Permissions.decide(edit("/home/op/project/a.txt", "/home/op/project/conf/.env"), List.of(secrets))
                        .decision());
    }

    @Test
    void anAllowedCommandDoesNotCarryAnotherAlong() throws Exception {
        PermissionPolicy p =
                policy("{\"acp\":{\"permissions\":[{\"command\":\"git status\",\"decision\":\"allow\"}]}}");
        assertEquals(
                Decision.ALLOW,
                Permissions.decide(execute("git status --short"), List.of(p)).decision());
        assertEquals(PolicyDecision.DEFAULT, Permissions.decide(execute("git status && rm -rf /"), List.of(p)));
        assertEquals(PolicyDecision.DEFAULT, Permissions.decide(execute("git status | sh"), List.of(p)));
    }

    @Test
    void theCommandComesFromRawInputOrTheTitle() {
        JsonNode argv = JsonNodeFactory.instance
                .objectNode()
                .set("command", JsonNodeFactory.instance.arrayNode().add("git").add("push"));
        assertEquals(
                "git push",
                PermissionQuestion.of(
                                new SessionUpdate.ToolCallUpdate(
                                        "t", null, ToolKind.EXECUTE, null, null, null, argv, null),
                                List.of(WORKSPACE))
                        .command());
        assertEquals(
                "npm test",
                PermissionQuestion.of(
                                new SessionUpdate.ToolCallUpdate(
                                        "t", "`npm test`", ToolKind.EXECUTE, null, null, null, null, null),
                                List.of(WORKSPACE))
                        .command());
        PermissionQuestion diff = PermissionQuestion.of(
                new SessionUpdate.ToolCallUpdate(
                        "t",
                        "Edit",
                        ToolKind.EDIT,
                        null,
                        List.of(new ToolCallContent.Diff("/home/op/project/src/x.c", null, "y")),
                        null,
                        null,
                        null),
                List.of(WORKSPACE));
        assertEquals(List.of("src/x.c"), diff.paths());
    }

    @Test
    void parseErrorsNameTheRuleAndTheField() throws Exception {
        List<String> errors = errors("{\"acp\":{\"permissions\":["
                + "{\"kind\":\"edit\",\"decision\":\"allow\"},"
                + "{\"kind\":\"exec\",\"decision\":\"allow\"},"
                + "{\"kind\":\"edit\",\"path\":\"/etc/**\",\"decision\":\"maybe\"},"
                + "{\"kind\":\"read\",\"command\":\"cat\",\"decision\":\"allow\"},"
                + "{\"path\":\"src/[\",\"decision\":\"ask\"},"
                + "{\"kind\":\"edit\",\"paths\":\"x\"},"
                + "\"allow\","
                + "{\"path\":\"../x\",\"decision\":\"allow\"}]}}");
        assertEquals(
                List.of(
                        "acp.permissions[1].kind \"exec\" is not a tool kind; use one of read, edit, delete, move, "
                                + "search, execute, think, fetch, switch_mode, other",
                        "acp.permissions[2].path \"/etc/**\" must be relative to the workspace, e.g. \"src/**\"",
                        "acp.permissions[2].decision \"maybe\" is not allow, reject or ask",
                        "acp.permissions[3].command applies to execute calls only, but the rule's kind is read",
                        "acp.permissions[4].path \"src/[\" is not a valid glob: Missing ']",
                        "acp.permissions[5] has an unknown field 'paths'; a rule has kind, path, command and decision",
                        "acp.permissions[5].decision is missing; use allow, reject or ask",
                        "acp.permissions[6] must be an object like {\"kind\": \"edit\", \"decision\": \"allow\"}",
                        "acp.permissions[7].path \"../x\" must not leave the workspace with \"..\""),
                errors);
        assertEquals(
                List.of("acp.permissions must be an array of rules like "
                        + "{\"kind\": \"edit\", \"path\": \"src/**\", \"decision\": \"allow\"}"),
                errors("{\"acp\":{\"permissions\":{}}}"));
    }

    @Test
    void aConfigWithoutAPolicyIsTheEmptyPolicy() throws Exception {
        assertEquals(PermissionPolicy.EMPTY, policy("{}"));
        assertEquals(PermissionPolicy.EMPTY, policy("{\"acp\":{}}"));
        assertEquals(PermissionPolicy.EMPTY, policy("{\"acp\":{\"permissions\":[]}}"));
    }

    @Test
    void decisionsMapToTheOptionsTheAgentOffered() {
        List<PermissionOption> offered = List.of(
                new PermissionOption("a2", "Always", PermissionOption.Kind.ALLOW_ALWAYS),
                new PermissionOption("a1", "Once", PermissionOption.Kind.ALLOW_ONCE),
                new PermissionOption("r1", "No", PermissionOption.Kind.REJECT_ONCE));
        assertEquals(
                "a1",
                OptionChoice.forDecision(Decision.ALLOW, offered).orElseThrow().optionId());
        assertEquals(
                "r1",
                OptionChoice.forDecision(Decision.REJECT, offered).orElseThrow().optionId());
        assertEquals(Optional.empty(), OptionChoice.forDecision(Decision.ASK, offered));
        List<PermissionOption> alwaysOnly = List.of(
                new PermissionOption("a2", "Always", PermissionOption.Kind.ALLOW_ALWAYS),
                new PermissionOption("r2", "Never", PermissionOption.Kind.REJECT_ALWAYS));
        assertEquals(
                "a2",
                OptionChoice.forDecision(Decision.ALLOW, alwaysOnly)
                        .orElseThrow()
                        .optionId());
        assertEquals(
                "r2",
                OptionChoice.forDecision(Decision.REJECT, alwaysOnly)
                        .orElseThrow()
                        .optionId());
        assertTrue(
                OptionChoice.forDecision(Decision.REJECT, offered.subList(0, 2)).isEmpty());
    }

    @Test
    void anAlwaysAnswerIsRememberedForTheRunAndComesBeforeThePolicy() throws Exception {
        PermissionPolicy p = policy(EXAMPLE);
        StandingPermissions run = StandingPermissions.NONE
                .after(execute("npm test"), PermissionOption.Kind.ALLOW_ALWAYS)
                .after(edit("/home/op/project/x"), PermissionOption.Kind.ALLOW_ONCE)
                .after(execute("git push"), PermissionOption.Kind.ALLOW_ALWAYS);
        assertEquals(2, run.answers().size());
        PolicyDecision test = Permissions.decide(execute("npm  test"), List.of(run, p));
        assertEquals(Decision.ALLOW, test.decision());
        assertEquals("run answer allow_always (execute npm test)", test.rule());
        assertEquals(PolicyDecision.DEFAULT, Permissions.decide(execute("npm publish"), List.of(run, p)));
        assertEquals(PolicyDecision.DEFAULT, Permissions.decide(edit("/home/op/project/x"), List.of(run, p)));
        assertEquals(
                Decision.ALLOW,
                Permissions.decide(execute("git push"), List.of(run, p)).decision());
        StandingPermissions never =
                StandingPermissions.NONE.after(edit("/home/op/project/a"), PermissionOption.Kind.REJECT_ALWAYS);
        assertEquals(
                Decision.REJECT,
                Permissions.decide(edit("/home/op/project/src/b"), List.of(never, p))
                        .decision());
    }
}
