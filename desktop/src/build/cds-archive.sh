#!/bin/sh
# Makes the class data sharing archive beside the jar (docs/decisions/0020-class-data-sharing-archive.md), run by the
# desktop module's package phase: JAVA JAR MONOCLE_JAR TARGET_DIR.
# 1. the jar opens its window headless once, with a data directory of its own, and ends at the first frame of the
#    full window, listing the classes it loaded; 2. the archive is made from that list with the jar alone on the class
#    path, as `java -jar` has it. Where a step fails (no fonts for a headless window, a JDK without CDS), the build goes
#    on without the archive: the application then starts slower, never differently.
set -u
java=$1 jar=$2 monocle=$3 target=$4
cds="$target/cds"
rm -rf "$cds" "$target/fleetflash.jsa"
mkdir -p "$cds"
if FLEETFLASH_DATA_DIR="$cds/data" XDG_CONFIG_HOME="$cds/config" timeout 120 "$java" \
        -XX:DumpLoadedClassList="$cds/classes.lst" -Dfleetflash.classListRun=true \
        -Dprism.order=sw -Dglass.platform=Monocle -Dmonocle.platform=Headless -Djava.awt.headless=true \
        -Djavafx.cachedir="$target/javafx-cache" -Djava.io.tmpdir="$target" -Dorg.sqlite.tmpdir="$target" \
        -cp "$jar:$monocle" org.fleetflash.app.Main >"$cds/class-list-run.log" 2>&1 \
    && timeout 120 "$java" -Xshare:dump -XX:SharedClassListFile="$cds/classes.lst" \
        -XX:SharedArchiveFile="$target/fleetflash.jsa" -cp "$jar" >"$cds/archive-dump.log" 2>&1; then
    echo "class data sharing archive: $target/fleetflash.jsa ($(wc -l <"$cds/classes.lst") classes listed)"
else
    rm -f "$target/fleetflash.jsa"
    echo "[WARNING] no class data sharing archive was made (see $cds/*.log): the window will start slower"
fi
