package org.fleetflash.ui;

import atlantafx.base.theme.PrimerDark;
import atlantafx.base.theme.PrimerLight;
import javafx.application.Application;

/** The window's two looks: AtlantaFX's Primer light and dark, with FleetFlash's own sheet on top of either. */
public enum Theme {
    LIGHT(new PrimerLight().getUserAgentStylesheet()),
    DARK(new PrimerDark().getUserAgentStylesheet());

    /** FleetFlash's own styles; they use the theme's colour variables, so they suit both. */
    public static final String APP_STYLESHEET = Theme.class.getResource("fleetflash.css").toExternalForm();

    private final String userAgentStylesheet;

    Theme(String userAgentStylesheet) {
        this.userAgentStylesheet = userAgentStylesheet;
    }

    /** Makes this the look of every window of the application. Call on the FX thread. */
    public void apply() {
        Application.setUserAgentStylesheet(userAgentStylesheet);
    }
}
