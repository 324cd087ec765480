package io.github.vqlc.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rules DESIGN.md states, checked on the compiled main classes of every module: modules depend
 * downwards only, only the engine facade touches the PyTorch engine, and nothing below the CLI
 * reads system properties or environment variables (settings come from config or builders).
 */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.github.vqlc");
    }

    @Test
    void modulesDependDownwardsOnly() {
        layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .layer("core")
                .definedBy("io.github.vqlc.core..")
                .layer("quantizers")
                .definedBy("io.github.vqlc.quantizers..")
                .layer("models")
                .definedBy("io.github.vqlc.models..")
                .layer("eval")
                .definedBy("io.github.vqlc.eval..")
                .layer("experiments")
                .definedBy("io.github.vqlc.experiments..")
                .layer("bench")
                .definedBy("io.github.vqlc.bench..")
                .whereLayer("bench")
                .mayNotBeAccessedByAnyLayer()
                .whereLayer("experiments")
                .mayOnlyBeAccessedByLayers("bench")
                .whereLayer("eval")
                .mayOnlyBeAccessedByLayers("experiments", "bench")
                .whereLayer("models")
                .mayOnlyBeAccessedByLayers("eval", "experiments", "bench")
                .whereLayer("quantizers")
                .mayOnlyBeAccessedByLayers("models", "eval", "experiments", "bench")
                .check(classes);
    }

    @Test
    void onlyTheEngineFacadeUsesThePyTorchEngine() {
        noClasses()
                .that()
                .resideOutsideOfPackage("io.github.vqlc.core.engine")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("ai.djl.pytorch..")
                .because("PyTorch-engine-specific calls live behind core.engine.TorchOps, each naming the DJL gap"
                        + " it fills")
                .check(classes);
    }

    @Test
    void nothingBelowTheCliReadsSystemPropertiesOrTheEnvironment() {
        noClasses()
                .that()
                .resideOutsideOfPackages("io.github.vqlc.experiments.cli..", "io.github.vqlc.bench..")
                .should()
                .callMethod(System.class, "getProperty", String.class)
                .orShould()
                .callMethod(System.class, "getProperty", String.class, String.class)
                .orShould()
                .callMethod(System.class, "getenv")
                .orShould()
                .callMethod(System.class, "getenv", String.class)
                .orShould()
                .callMethod(System.class, "getProperties")
                .because("settings come from config or builders, never from the machine the code was tuned on")
                .check(classes);
    }
}
