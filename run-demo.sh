#!/bin/sh
# Builds FleetFlash if needed (missing or older than its sources), starts a simulated demo fleet on loopback, then opens the application.
set -eu
cd "$(dirname "$0")"
jar=desktop/target/fleetflash.jar
# built when missing, and again when a source or a pom changed since (a pulled or edited checkout)
if [ ! -f "$jar" ] || [ -n "$(find pom.xml ./*/pom.xml ./*/src -newer "$jar" -type f 2>/dev/null | head -n 1)" ]; then
    mvn -B -q -DskipTests package
fi
# the class data sharing archive made with the jar (docs/decisions/0020): the JVM maps the classes a start-up needs
# instead of loading them one by one; a stale or missing archive only makes the start slower
cds=
[ -f desktop/target/fleetflash.jsa ] && cds=-XX:SharedArchiveFile=desktop/target/fleetflash.jsa
exec java $cds -jar "$jar" demo "$@"
