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

    /** The look the settings name. */
    public static Theme of(org.fleetflash.core.settings.Settings.Appearance appearance) {
        return appearance == org.fleetflash.core.settings.Settings.Appearance.DARK ? DARK : LIGHT;
    }

    /** This look as the settings name it. */
    public org.fleetflash.core.settings.Settings.Appearance appearance() {
        return this == DARK ? org.fleetflash.core.settings.Settings.Appearance.DARK : org.fleetflash.core.settings.Settings.Appearance.LIGHT;
    }

    /** Makes this the look of every window of the application. Call on the FX thread. */
    public void apply() {
        Application.setUserAgentStylesheet(userAgentStylesheet);
    }
}
