package org.fleetflash.core.device;

/**
 * One line of a remote command's output, without its line terminator.
 *
 * @param cut true when the line was longer than the cap and only its beginning is kept
 */
public record OutputLine(StdStream stream, String text, boolean cut) {
}
