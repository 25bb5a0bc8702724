package io.kaged.actors.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kaged.actors.process.SandboxSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunSpecSandboxTest {

    private static RunSpec spec(AcpSpec acp, SandboxSpec sandbox) {
        return new RunSpec(
                List.of("agent"), "/w", Map.of(), null, null, null, null, null, 0, null, acp, null, sandbox, null);
    }

    @Test
    void anAcpRunIsSandboxedByDefaultWithItsNetworkAndAPlainRunIsNot() {
        SandboxSpec agent = spec(new AcpSpec(null, null), null).sandbox();
        assertEquals(SandboxSpec.agentDefault(), agent);
        assertTrue(agent.hasNetwork() && agent.mustApply() && agent.writable().isEmpty());
        assertNull(spec(null, null).sandbox());
        SandboxSpec asked = new SandboxSpec(false, List.of("/data"), List.of(), false);
        assertEquals(asked, spec(new AcpSpec("hi", null), asked).sandbox(), "what the dispatch says wins");
    }
}
