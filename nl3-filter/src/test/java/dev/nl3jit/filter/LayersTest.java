package dev.nl3jit.filter;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The layers, as DESIGN.md draws them, pinned: the web side calls the engine, the engine calls the NL3 client, the
 * store rules, the settings and the SPI, and nothing calls back up. The API package ({@code dev.nl3jit.filter}) is
 * the surface users touch: its value types (settings, protections, events, exceptions) are used by every layer, and
 * only its entry points (the filters, {@link Nl3Approvals}, the initializer) assemble the layers.
 */
class LayersTest {
    private static final String ROOT = "dev.nl3jit.filter";
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);

    private static String internal(String layer) {
        return ROOT + ".internal." + layer + "..";
    }

    @Test
    void theImportCoversEveryLayer() {
        for (String layer : new String[] {"settings", "nl3", "store", "engine", "util", "web"}) {
            org.junit.jupiter.api.Assertions.assertFalse(
                    CLASSES.that(com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage(internal(layer))).isEmpty(),
                    "no classes found in " + internal(layer));
        }
    }

    @Test
    void internalPackagesAreFreeOfCycles() {
        slices().matching(ROOT + ".internal.(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void nothingBelowTheWebSideCallsIt() {
        noClasses().that().resideInAnyPackage(internal("engine"), internal("nl3"), internal("store"), internal("settings"),
                internal("util"), ROOT + ".spi..")
                .should().dependOnClassesThat().resideInAPackage(internal("web"))
                .check(CLASSES);
    }

    @Test
    void nothingBelowTheEngineCallsIt() {
        noClasses().that().resideInAnyPackage(internal("nl3"), internal("store"), internal("settings"), internal("util"),
                ROOT + ".spi..")
                .should().dependOnClassesThat().resideInAPackage(internal("engine"))
                .check(CLASSES);
    }

    @Test
    void theNl3ClientAndTheStoreDoNotKnowEachOther() {
        noClasses().that().resideInAPackage(internal("nl3"))
                .should().dependOnClassesThat().resideInAPackage(internal("store")).check(CLASSES);
        noClasses().that().resideInAPackage(internal("store"))
                .should().dependOnClassesThat().resideInAPackage(internal("nl3")).check(CLASSES);
    }

    @Test
    void settingsAndUtilitiesStandAlone() {
        noClasses().that().resideInAnyPackage(internal("settings"), internal("util"))
                .should().dependOnClassesThat().resideInAnyPackage(internal("nl3"), internal("store"))
                .check(CLASSES);
        noClasses().that().resideInAPackage(internal("util"))
                .should().dependOnClassesThat().resideInAPackage(internal("settings")).check(CLASSES);
    }

    @Test
    void theSpiNeedsNoInternals() {
        noClasses().that().resideInAPackage(ROOT + ".spi..")
                .should().dependOnClassesThat().resideInAPackage(ROOT + ".internal..").check(CLASSES);
    }

    @Test
    void onlyTheEntryPointsOfTheApiAssembleTheLayers() {
        noClasses().that().resideInAPackage(ROOT)
                .and().doNotHaveSimpleName("Nl3ApprovalFilter")
                .and().doNotHaveSimpleName("Nl3Approvals")
                .and().doNotHaveSimpleName("Nl3Initializer")
                .and().doNotHaveSimpleName("Nl3Approvals$Builder")
                .and().doNotHaveSimpleName("AnnotatedServletsFilter")
                .should().dependOnClassesThat().resideInAnyPackage(internal("web"), internal("engine"))
                .check(CLASSES);
    }
}
