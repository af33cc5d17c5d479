package org.fleetflash.app.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.pattern.CompositeConverter;
import org.fleetflash.core.text.Sanitize;

/**
 * Logback's {@code %escape(...)}: the wrapped text with control characters, bidirectional overrides and the like
 * shown as visible escapes ({@link Sanitize#escape}), so that a user name sent by an FTP client or a banner sent by a
 * router can neither drive the terminal of whoever reads the log nor forge log lines. {@code %escape(...){lines}}
 * keeps line breaks and tabs (for stack traces).
 */
public final class EscapingConverter extends CompositeConverter<ILoggingEvent> {

    private boolean keepLines;

    @Override
    public void start() {
        keepLines = "lines".equals(getFirstOption());
        super.start();
    }

    @Override
    protected String transform(ILoggingEvent event, String in) {
        return Sanitize.escape(in, keepLines);
    }
}
