package org.fleetflash.app.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.fleetflash.core.settings.DataDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;

/** The application's real log configuration ({@link LogFileConfiguration}), in a logger context of its own. */
class EscapingConverterTest {

    @TempDir
    Path dir;

    private LoggerContext contextWritingTo(Path file) throws Exception {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        LogFileConfiguration.apply(context, file, null);
        assertThat(new ch.qos.logback.core.status.StatusUtil(context).getHighestLevel(0)).as(context.getStatusManager().getCopyOfStatusList().toString())
                .isLessThan(ch.qos.logback.core.status.Status.WARN);
        return context;
    }

    @Test
    void escapesControlCharactersInMessagesAndStackTracesOneEventPerLine() throws Exception {
        Path file = DataDirectory.ownerOnlyDirectory(dir.resolve("logs")).resolve("fleetflash.log");
        LoggerContext context = contextWritingTo(file);
        Logger log = context.getLogger("org.apache.ftpserver.command.impl.PASS");

        log.warn("Login failure - \u001b[2J\nFAKE 2026-01-01 ERROR forged line\u202e");
        log.error("Cannot copy", new IOException("disk\u001b[31m full"));
        log.debug("not at the default level");
        context.stop();

        String text = Files.readString(file);
        List<String> lines = text.lines().toList();
        assertThat(lines.get(0)).contains("WARN  [main] ").endsWith("PASS - Login failure - \\x1b[2J\\nFAKE 2026-01-01 ERROR forged line\\u202e");
        assertThat(lines.get(1)).contains("ERROR [main] ").endsWith("PASS - Cannot copy");
        assertThat(text).contains("Cannot copy\njava.io.IOException: disk\\x1b[31m full\n\tat org.fleetflash.app.logging.EscapingConverterTest.");
        assertThat(text).doesNotContain("\u001b").doesNotContain("\u202e").doesNotContain("not at the default level");
        assertThat(text.split("java.io.IOException", -1)).as("the stack trace is written once").hasSize(2);
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void theSshAndFtpLibrariesOnlyWarnWhileFleetFlashLogsAtInfoOrTheLevelAsked() throws Exception {
        Path file = DataDirectory.ownerOnlyDirectory(dir.resolve("logs")).resolve("fleetflash.log");
        LoggerContext context = contextWritingTo(file);
        context.getLogger("org.apache.sshd.client.session.ClientSessionImpl").info("sshd chatter");
        context.getLogger("org.apache.sshd.client.session.ClientSessionImpl").warn("sshd warning");
        context.getLogger("org.apache.ftpserver.impl.PassivePorts").warn("passive ports any");
        context.getLogger("org.fleetflash.core.upgrade.RouterUpgrade").info("upgrade info");
        context.stop();
        assertThat(Files.readString(file)).contains("sshd warning", "upgrade info").doesNotContain("sshd chatter", "passive ports any");

        Path debugFile = DataDirectory.ownerOnlyDirectory(dir.resolve("debug")).resolve("fleetflash.log");
        LoggerContext debug = new LoggerContext();
        debug.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        LogFileConfiguration.apply(debug, debugFile, "debug");
        debug.getLogger("org.fleetflash.core.upgrade.RouterUpgrade").debug("upgrade detail");
        debug.stop();
        assertThat(Files.readString(debugFile)).contains("upgrade detail");
    }
}
