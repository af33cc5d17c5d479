package org.fleetflash.core.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fleetflash.agent.Agent;
import org.fleetflash.agent.image.Finding;
import org.fleetflash.agent.plan.PlanRefusedException;
import org.junit.jupiter.api.Test;

/** The failure codes are one documented list, and every code the agent can send is on it. */
class FailureCodeTest {

    @Test
    void everyCodeIsDocumentedForTheTechnician() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "failure-codes.md"), StandardCharsets.UTF_8);
        for (FailureCode c : FailureCode.values()) {
            assertThat(doc).as("docs/failure-codes.md documents %s", c).contains("| `" + c.name() + "` |");
        }
    }

    @Test
    void everyErrorCodeTheAgentCanSendHasItsOwnConstant() {
        String script = new String(Agent.script(), StandardCharsets.US_ASCII);
        Set<String> codes = new TreeSet<>();
        // error lines: `ff_die CODE`, `ff_abort CODE` (undo, then die), `ff_commit_undo CODE`, telemetry `code=CODE`
        Matcher m = Pattern.compile("(?:ff_die|ff_abort|ff_commit_undo)\\s+\"?([A-Z][A-Z0-9_]{2,})|code=([A-Z][A-Z0-9_]{2,})")
                .matcher(script);
        while (m.find()) {
            codes.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        codes.remove("CODE"); // the usage text's placeholder
        assertThat(codes).hasSizeGreaterThan(10);
        for (String code : codes) {
            assertThat(FailureCode.fromAgent(code)).as("agent code %s", code).isNotEqualTo(FailureCode.AGENT_ERROR);
        }
    }

    @Test
    void everyPlanRefusalAndImageFindingHasItsOwnConstant() {
        for (PlanRefusedException.Reason r : PlanRefusedException.Reason.values()) {
            assertThat(FailureCode.of(r).name()).isEqualTo(r.name());
        }
        for (Finding.Code c : Finding.Code.values()) {
            assertThat(FailureCode.of(c).name()).isEqualTo(c.name());
        }
    }

    @Test
    void successCodesAreNeverTakenFromTheAgent() {
        assertThat(FailureCode.fromAgent("OK")).isEqualTo(FailureCode.AGENT_ERROR);
        assertThat(FailureCode.fromAgent("UP_TO_DATE")).isEqualTo(FailureCode.AGENT_ERROR);
        assertThat(FailureCode.fromAgent(null)).isEqualTo(FailureCode.AGENT_ERROR);
    }
}
