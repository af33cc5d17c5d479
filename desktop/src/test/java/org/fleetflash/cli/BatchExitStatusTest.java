package org.fleetflash.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.fleetflash.core.batch.BatchResult;
import org.fleetflash.core.batch.BatchTotals;
import org.fleetflash.core.device.Credentials;
import org.fleetflash.core.device.FileHostKeyStore;
import org.fleetflash.core.device.SshOptions;
import org.fleetflash.core.device.SshTarget;
import org.fleetflash.core.upgrade.AttemptRef;
import org.fleetflash.core.upgrade.FailureCode;
import org.fleetflash.core.upgrade.Outcome;
import org.fleetflash.core.upgrade.Phase;
import org.fleetflash.core.upgrade.RouterId;
import org.fleetflash.core.upgrade.UpgradeRequest;
import org.fleetflash.core.upgrade.UpgradeResult;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A batch's exit status is its worst router's, as the command's help says, so a script can tell what to look at. */
class BatchExitStatusTest {

    /** Each router as OUTCOME/CODE, separated by spaces. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "SUCCEEDED/OK                                                  | 0",
        "SUCCEEDED/OK SUCCEEDED/UP_TO_DATE SUCCEEDED/OK                | 0",
        "SUCCEEDED/OK FAILED_SAFE/UNREACHABLE SUCCEEDED/OK             | 10",
        "FAILED_SAFE/NOT_STARTED SUCCEEDED/OK                          | 10",
        "FAILED_SAFE/BATCH_HALTED FAILED_SAFE/WRONG_MODEL              | 10",
        "FAILED_SAFE/UNREACHABLE FAILED_SAFE/CANCELLED SUCCEEDED/OK    | 11",
        "FAILED_SAFE/CANCELLED NEEDS_ATTENTION/NO_RETURN               | 20",
        "SUCCEEDED/OK NEEDS_ATTENTION/FLASH_MISMATCH FAILED_SAFE/BUSY  | 20",
    })
    void isTheWorstRoutersStatus(String routers, int status) {
        List<UpgradeRequest> requests = new ArrayList<>();
        List<UpgradeResult> results = new ArrayList<>();
        int n = 0;
        for (String r : routers.trim().split("\\s+")) {
            n++;
            SshTarget target = new SshTarget("127.0.0." + n, 22);
            requests.add(new UpgradeRequest(target, Credentials.Password.of("root", "pw"), SshOptions.DEFAULTS,
                    new FileHostKeyStore(Path.of("known_hosts")), Path.of("fw.bin"), List.of("kernel", "rootfs"), Optional.empty(),
                    UpgradeRequest.Transport.AUTO, Duration.ofMinutes(10), Path.of("backups")));
            String[] oc = r.split("/");
            results.add(new UpgradeResult(new AttemptRef("a" + n, "b", RouterId.of(target)), Outcome.valueOf(oc[0]), Phase.PROBE,
                    FailureCode.valueOf(oc[1]), "message", Optional.empty(), Optional.empty(), -1, -1, Optional.empty(), false, 0,
                    Duration.ZERO));
        }
        BatchTotals totals = new BatchTotals(n, 0, 0, 0, 0, 0, 0, 0, 0, 0, Duration.ZERO, Optional.empty());

        assertThat(UpgradeCommand.exitStatus(new BatchResult("b", requests, results, totals))).isEqualTo(status);
    }
}
