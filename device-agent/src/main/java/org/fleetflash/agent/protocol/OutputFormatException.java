package org.fleetflash.agent.protocol;

/** A FreeBSD tool's output that {@link FreeBsdFormats} cannot read: says which source, which line and why. */
public final class OutputFormatException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String source;
    private final int lineNumber;

    /**
     * @param source     the tool or raw source, e.g. {@code kern.geom.conftxt}
     * @param lineNumber 1-based line within that output, or 0 when the problem is not one line
     * @param message    what is wrong
     */
    public OutputFormatException(String source, int lineNumber, String message) {
        super(source + (lineNumber > 0 ? " line " + lineNumber : "") + ": " + message);
        this.source = source;
        this.lineNumber = lineNumber;
    }

    /** The tool or raw source whose output was bad. */
    public String source() {
        return source;
    }

    /** 1-based line number, or 0 when the problem is not one line. */
    public int lineNumber() {
        return lineNumber;
    }
}
