package org.fleetflash.ui.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The Add router dialog says what is wrong with an address as it is typed, without ever looking a name up. */
class AddRouterDialogTest {

    @Test
    void anAddressIsCheckedWithoutLookingItUp() {
        assertThat(AddRouterDialog.problemWith("127.0.3.9:2222")).isEmpty();
        assertThat(AddRouterDialog.problemWith("router.example")).isEmpty();
        assertThat(AddRouterDialog.problemWith("1.2.3.4.5")).get().asString().endsWith(".").doesNotContain("Exception");
        assertThat(AddRouterDialog.problemWith("127.0.3.9:99999")).isPresent();
        assertThat(AddRouterDialog.problemWith("  ")).isPresent();
    }
}
