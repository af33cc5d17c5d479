package org.fleetflash.cli;

import picocli.CommandLine;

/** Reads the version from the jar's manifest (or says "development" when run from classes). */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = FleetFlashCommand.class.getPackage().getImplementationVersion();
        return new String[] {"FleetFlash " + (v == null ? "development build" : v)};
    }
}
