package org.fleetflash.server.ftp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PublicationFileSystemTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"..", "../..", "/..", "../etc/passwd", "/../../etc/passwd", "a/../../b", "./..", "//.."})
    void pathsClimbingAboveTheRootAreRefused(String path) {
        assertThat(PublicationFileSystem.resolve(path)).isNull();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "/,''",
        "'',''",
        ".,''",
        "fw.bin,fw.bin",
        "/fw.bin,fw.bin",
        "./fw.bin,fw.bin",
        "a/../fw.bin,fw.bin",
        "/etc/passwd,etc/passwd",
    })
    void pathsInsideTheRootAreNormalised(String path, String expected) {
        List<String> segments = PublicationFileSystem.resolve(path);

        assertThat(String.join("/", segments)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "tl-wdr3600-v1.bin,tl-wdr3600-v1.bin",
        "'image with spaces.bin',image_with_spaces.bin",
        "'a;rm -rf $HOME',a_rm_-rf__HOME",
        "..,firmware.bin",
    })
    void servedNamesAreSafeInUrlsAndShells(String original, String served) {
        assertThat(ImageServer.servedName(Path.of(original))).isEqualTo(served);
    }

    @Test
    void publicationHidesItsPasswordButCanBuildTheUrlWithIt() {
        Publication publication = new Publication(URI.create("ftp://ffab@127.0.0.1:2121/fw.bin"), "ffab",
                "s3cr3tpassword", "fw.bin", 10, "00");

        assertThat(publication.toString()).doesNotContain("s3cr3tpassword");
        assertThat(publication.urlWithPassword())
                .isEqualTo(URI.create("ftp://ffab:s3cr3tpassword@127.0.0.1:2121/fw.bin"));
    }
}
