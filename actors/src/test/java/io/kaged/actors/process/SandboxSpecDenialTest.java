package io.kaged.actors.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A sandbox under a project's denial of the network: what it runs with, what it refuses, how it is stored. */
class SandboxSpecDenialTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void notSayingIsOffAndAskingIsRefusedNamingTheProject() {
        SandboxSpec quiet = SandboxSpec.agentDefault().deniedNetworkBy("offline");
        assertFalse(quiet.hasNetwork());
        assertNull(quiet.policyRefusal());

        SandboxSpec asks = new SandboxSpec(true, List.of(), List.of()).deniedNetworkBy("offline");
        assertTrue(asks.hasNetwork());
        String why = asks.policyRefusal();
        assertTrue(why.startsWith("sandbox refused: project offline's config denies network"), why);
        assertTrue(why.contains("PUT /v1/projects/offline/config"), why);

        assertNull(new SandboxSpec(true, List.of(), List.of()).policyRefusal(), "no project, no refusal");
    }

    @Test
    void aDeniedSandboxIsNeverSkippedAndKeepsTheDenialWithLimits() {
        SandboxSpec optional = new SandboxSpec(false, List.of(), List.of(), false);
        assertFalse(optional.mustApply());
        SandboxSpec denied = optional.deniedNetworkBy("offline");
        assertTrue(denied.mustApply(), "skipping it would give the process the host's network");
        assertEquals(
                "offline",
                denied.withLimits(new SandboxLimits("64M", null, null)).networkDeniedBy());
    }

    @Test
    void theDenialIsStoredAndLeftOutWhenUnset() throws Exception {
        SandboxSpec denied = new SandboxSpec(null, List.of(), List.of()).deniedNetworkBy("offline");
        String json = JSON.writeValueAsString(denied);
        assertEquals("{\"network\":false,\"networkDeniedBy\":\"offline\"}", json);
        assertEquals(denied, JSON.readValue(json, SandboxSpec.class));
        assertEquals("{}", JSON.writeValueAsString(SandboxSpec.agentDefault()));
        assertNull(JSON.readValue("{\"network\":true}", SandboxSpec.class).networkDeniedBy());
    }
}
