package org.fleetflash.agent.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The machine lines of the upgrade sub-commands (docs/agent-protocol.md, "Upgrade sub-commands"). */
class UpgradeLinesTest {

    @Test
    void readsEveryUpgradeLine() {
        assertThat(AgentLineParser.parse("@FF phase name=preflight")).isEqualTo(new AgentLine.Phase("preflight"));
        assertThat(AgentLineParser.parse("@FF check name=ram ok=no text=needs 13765632 bytes, 9437184 free"))
                .isEqualTo(new AgentLine.Check("ram", false, "needs 13765632 bytes, 9437184 free"));
        assertThat(AgentLineParser.parse("@FF prepared md=md2 mount=/tmp/fleetflash/md image=/tmp/fleetflash/md/image mdsize=13765632"))
                .isEqualTo(new AgentLine.Prepared("md2", "/tmp/fleetflash/md", "/tmp/fleetflash/md/image", 13765632));
        assertThat(AgentLineParser.parse("@FF fetched bytes=7919104")).isEqualTo(new AgentLine.Fetched(7919104));
        String hex = "0123456789abcdef".repeat(4);
        assertThat(AgentLineParser.parse("@FF staged md=md2 mdsize=13765632 imagesize=7919104 sha256=" + hex))
                .isEqualTo(new AgentLine.Staged("md2", 13765632, 7919104, Optional.of(hex)));
        assertThat(AgentLineParser.parse("@FF staged md=md2 mdsize=1 imagesize=1 sha256=unavailable"))
                .isEqualTo(new AgentLine.Staged("md2", 1, 1, Optional.empty()));
        assertThat(AgentLineParser.parse("@FF committed md=md2")).isEqualTo(new AgentLine.Committed("md2"));
        assertThat(AgentLineParser.parse("@FF digest blocks=121 bytes=7929856 sha256=" + hex))
                .isEqualTo(new AgentLine.Digest(121, 7929856, hex));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "@FF committed md=/dev/md2",
        "@FF committed md=md2;reboot",
        "@FF staged md=md2 mdsize=1 imagesize=1 sha256=ABCDEF",
        "@FF prepared md=md2 mount=relative image=/x mdsize=1",
        "@FF fetched bytes=-1",
        "@FF digest blocks=1 bytes=65536 sha256=unavailable",
        "@FF digest blocks=1 sha256=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "@FF check name=ram ok=maybe text=x",
        "@FF phase name=Preflight",
    })
    void malformedUpgradeLinesAreKeptAsLog(String line) {
        AgentLine parsed = AgentLineParser.parse(line);
        assertThat(parsed).isInstanceOf(AgentLine.Log.class);
        assertThat(((AgentLine.Log) parsed).rejectedBecause()).isPresent();
    }
}
