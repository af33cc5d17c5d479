#!/bin/sh
# Builds FleetFlash if needed, starts a simulated demo fleet on loopback, then opens the application.
set -eu
cd "$(dirname "$0")"
jar=desktop/target/fleetflash.jar
if [ ! -f "$jar" ]; then
    mvn -B -q -DskipTests package
fi
exec java -jar "$jar" demo "$@"
