package org.fleetflash;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The layers of ARCHITECTURE.md, enforced: the engine never sees JavaFX, only the CLI prints. */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.fleetflash");
    }

    @Test
    void engineNeverImportsJavaFxOrUi() {
        noClasses().that().resideInAPackage("org.fleetflash.core..")
                .should().dependOnClassesThat().resideInAnyPackage("javafx..", "org.fleetflash.ui..", "org.controlsfx..")
                .check(classes);
    }

    @Test
    void engineDoesNotDependOnTheCommandLine() {
        noClasses().that().resideInAPackage("org.fleetflash.core..")
                .should().dependOnClassesThat().resideInAnyPackage("org.fleetflash.cli..", "picocli..")
                .check(classes);
    }

    @Test
    void onlyTheCommandLinePrintsToTheConsole() {
        noClasses().that().resideOutsideOfPackages("org.fleetflash.cli..", "org.fleetflash.app..")
                .should().accessField(System.class, "out")
                .orShould().accessField(System.class, "err")
                .check(classes);
    }

    @Test
    void agentAndServerModulesDoNotKnowEachOther() {
        noClasses().that().resideInAPackage("org.fleetflash.agent..")
                .should().dependOnClassesThat().resideInAnyPackage("org.fleetflash.server..", "org.fleetflash.core..",
                        "org.fleetflash.ui..", "org.fleetflash.cli..")
                .check(classes);
        noClasses().that().resideInAPackage("org.fleetflash.server..")
                .should().dependOnClassesThat().resideInAnyPackage("org.fleetflash.agent..", "org.fleetflash.core..",
                        "org.fleetflash.ui..", "org.fleetflash.cli..")
                .check(classes);
    }

    @Test
    void noPackageCycles() {
        slices().matching("org.fleetflash.(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void onlyCompositionRootsMakeServicesAndNoneIsKeptInAStaticField() {
        noClasses().that().resideOutsideOfPackages("org.fleetflash.core.app..", "org.fleetflash.cli..", "org.fleetflash.app..")
                .should().callMethod(org.fleetflash.core.device.SshConnector.class, "start")
                .check(classes);
        com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noFields().that().areStatic()
                .should().haveRawType(org.fleetflash.core.device.SshConnector.class)
                .orShould().haveRawType(org.fleetflash.core.upgrade.UpgradeServices.class)
                .orShould().haveRawType(org.fleetflash.core.app.AppServices.class)
                .check(classes);
    }

    @Test
    void theBatchUsesOnlyThePublicFaceOfTheUpgradeEngine() {
        noClasses().that().resideInAPackage("org.fleetflash.core.upgrade..")
                .should().dependOnClassesThat().resideInAnyPackage("org.fleetflash.core.batch..", "org.fleetflash.core.app..")
                .check(classes);
    }
}
