package org.fleetflash.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Nonsense options of {@code fleetflash upgrade} are refused before anything happens: no data directory is
 * made, no router is contacted (the target here is a closed loopback port that would fail differently).
 */
class UpgradeCommandOptionsTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "--return-timeout|-1|--return-timeout must be 1 to",
        "--return-timeout|0|--return-timeout must be 1 to",
        "--return-timeout|999999|--return-timeout must be 1 to",
        "--bind|0.0.0.0|wildcard",
        "--bind|::|wildcard",
        "--bind|224.0.0.1|multicast",
        "--bind|1.2.3.4.5|needs an IP address of this laptop",
        "--bind|laptop.example|needs an IP address of this laptop",
        "--bind|203.0.113.7|not an address of this laptop",
        "--ftp-passive-ports|50000:50100|--ftp-passive-ports: Passive port range '50000:50100' is not a range of port numbers: give FIRST-LAST, for example 50000-50100",
        "--ftp-passive-ports|50100-50000|ends before it starts: give the lower port first, e.g. 50000-50100",
        "--ftp-passive-ports|0-10|contains port 0",
        "--ftp-passive-ports|70000|ports are 1-65535",
        "--ftp-passive-ports|''|No passive port range given",
        "--ftp-port|70000|--ftp-port: FTP port 70000 is not a port: give 1-65535, or 0 for any free port",
        "--ftp-port|-1|--ftp-port: FTP port -1 is not a port",
        "HOST|1.2.3.4.5|1.2.3.4.5",
        "HOST|host:22:1|host:22:1",
        "--operator|Dana\u001b[2J|--operator must be printable text of at most 200 characters",
        "--site|Depot\u202e|--site must be printable text of at most 200 characters",
        "--image|a-folder|is a folder: give the firmware image file itself",
        "--image|empty.bin|is empty (0 bytes)",
        "--image|/dev/null|is a device, a pipe or a socket, not a file: give the firmware image file itself",
        "--image|missing.bin|Cannot read the image",
        "--layout|''|--layout names no partition",
        "--layout|'   '|--layout names no partition",
    })
    void isRefusedWithASentenceAndChangesNothing(String option, String value, String expected) throws Exception {
        Path image = Files.write(dir.resolve("fw.bin"), new byte[] {1, 2, 3});
        Path data = dir.resolve("data");
        List<String> args = new ArrayList<>(List.of("upgrade", "127.0.0.1:1", "--user", "root", "--password-env", "FF_NO_SUCH_VAR",
                "--image", image.toString(), "--layout", "kernel rootfs", "--data-dir", data.toString()));
        if (option.equals("HOST")) {
            args.set(1, value);
        } else if (option.equals("--image")) {
            if (value.equals("a-folder")) {
                Files.createDirectory(dir.resolve(value));
            } else if (value.equals("empty.bin")) {
                Files.createFile(dir.resolve(value));
            }
            args.set(args.indexOf("--image") + 1, value.startsWith("/") ? value : dir.resolve(value).toString());
        } else if (option.equals("--layout")) {
            args.set(args.indexOf("--layout") + 1, value);
        } else {
            args.add(option + "=" + value);
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int status = FleetFlashCommand.commandLine(new PrintWriter(out), new PrintWriter(err)).execute(args.toArray(String[]::new));

        assertThat(status).as(err.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains(expected).doesNotContain("Exception", "\tat ");
        assertThat(data).as("nothing was created").doesNotExist();
    }
}
