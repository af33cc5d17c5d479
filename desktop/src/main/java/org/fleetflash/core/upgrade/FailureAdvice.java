package org.fleetflash.core.upgrade;

import java.util.Locale;
import java.util.MissingResourceException;
import java.util.ResourceBundle;

/**
 * What each {@link FailureCode} means to a technician: a short title (what happened) and what to do, from one
 * resource bundle ({@code FailureAdvice.properties}), so the window, the reports and the command line say the same.
 */
public final class FailureAdvice {

    private final ResourceBundle bundle;

    private FailureAdvice(ResourceBundle bundle) {
        this.bundle = bundle;
    }

    /** The advice in {@code locale} (English where no translation exists). */
    public static FailureAdvice forLocale(Locale locale) {
        return new FailureAdvice(ResourceBundle.getBundle("org.fleetflash.core.upgrade.FailureAdvice", locale,
                ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES)));
    }

    /** What happened, in a few words (e.g. "Login refused"). */
    public String title(FailureCode code) {
        return text(code, "title");
    }

    /** What to do about it, in one or two sentences. */
    public String whatToDo(FailureCode code) {
        return text(code, "todo");
    }

    private String text(FailureCode code, String part) {
        try {
            return bundle.getString(code.name() + "." + part);
        } catch (MissingResourceException e) {
            return code.name(); // a code newer than the bundle: its name still says something
        }
    }
}
