/**
 * Telemetry of the reroot stage: routers send one UDP datagram per message, with {@code nc -u -w 1}
 * or {@code logger -h HOST -P PORT -t TAG}. Entry point:
 * {@link org.fleetflash.server.telemetry.TelemetryReceiver}.
 *
 * <pre>
 * datagram = [ syslog-header ] payload [ "\n" ]          at most 1024 bytes, no control characters
 * syslog-header = "&lt;" PRI "&gt;" ... " "                   anything up to the first word "FFT1"
 * payload  = "FFT1" SP token SP seq SP KIND *( SP key "=" value ) [ SP "text=" rest-of-line ]
 * token    = 32 lowercase hex digits (from register)
 * seq      = 1..1000000, no leading zero; 1 for the first message of an upgrade, +1 for each next one
 * KIND     = HELLO | BEGIN | PROGRESS | VERIFY_OK | DONE | ERROR
 * key      = [a-z][a-z0-9_.]*      value = one or more non-space characters
 * </pre>
 *
 * Required fields: BEGIN {@code blocks=N}; PROGRESS {@code block=I blocks=N action=written|same}
 * (1 &lt;= I &lt;= N); ERROR {@code code=[A-Z][A-Z0-9_]*}. Other keys are kept as they are.
 */
package org.fleetflash.server.telemetry;
