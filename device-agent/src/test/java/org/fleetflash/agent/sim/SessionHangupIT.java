package org.fleetflash.agent.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A session that dies: its command's processes get SIGHUP and lose their pipes, what remains of the foreground
 * is killed, and only a process that detached itself from the session lives on, as on a real router.
 */
class SessionHangupIT {

    @TempDir
    Path dir;

    private UpgradeBench bench;
    private Optional<ProcessHandle> survivor = Optional.empty();

    @AfterEach
    void stop() throws Exception {
        survivor.ifPresent(ProcessHandle::destroyForcibly);
        if (bench != null) {
            bench.close();
        }
        SandboxShell.deleteAll(dir.resolve("state"));
    }

    private static Optional<ProcessHandle> pid(String out, String tag) {
        return out.lines().filter(l -> l.startsWith(tag + "=")).findFirst()
                .flatMap(l -> ProcessHandle.of(Long.parseLong(l.substring(tag.length() + 1).strip())));
    }

    @Test
    void onlyADetachedProcessSurvivesItsSession() throws Exception {
        Files.createDirectories(dir.resolve("state"));
        bench = new UpgradeBench(dir.resolve("state"), dir, Profile.load("generic-16m"), Shell.DASH, "127.0.3.8");
        String command = "(trap '' HUP PIPE INT TERM; exec sleep 120 </dev/null >/dev/null 2>&1) & echo detached=$!;"
                // a background job that ignores the hangup but keeps the session's pipes: killed after the grace
                + " (trap '' HUP; exec sleep 120) & echo attached=$!;"
                // a plain background job: the hangup ends it
                + " sleep 120 & echo plain=$!; sleep 120";
        ProcessHandle detached;
        ProcessHandle attached;
        ProcessHandle plain;
        try (UpgradeBench.LiveSsh ssh = bench.sshStart(command)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> ssh.out().contains("plain="));
            detached = pid(ssh.out(), "detached").orElseThrow();
            attached = pid(ssh.out(), "attached").orElseThrow();
            plain = pid(ssh.out(), "plain").orElseThrow();
            survivor = Optional.of(detached);
            ssh.cut();
        }

        await().atMost(Duration.ofSeconds(5)).until(() -> !plain.isAlive());
        await().atMost(SandboxCommand.HANGUP_GRACE.plusSeconds(5)).until(() -> !attached.isAlive());
        assertThat(detached.isAlive()).isTrue();
    }
}
