package dev.cairn.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real schema folders checked out beside the project ({@code ../shared/fixtures}, or the
 * {@code cairn.fixtures.shared} property). They are optional: a fresh clone elsewhere runs the
 * project's own fixtures, which reproduce the same shapes. But a run that says the fixtures are
 * there ({@code CAIRN_FIXTURES_REQUIRED=1}, which {@code .ci/run} sets when it finds them) fails
 * instead of skipping, so a broken path can never turn those tests into silent skips.
 */
public final class SharedFixtures {

    private static final Path ROOT = Path.of(System.getProperty("cairn.fixtures.shared", "../../shared/fixtures"));

    private SharedFixtures() {
    }

    /** A folder under the shared fixtures; the test is skipped without them, or fails when they are required. */
    public static Path folder(String relative) {
        Path folder = ROOT.resolve(relative);
        if (!Files.isDirectory(folder) && required()) {
            fail("CAIRN_FIXTURES_REQUIRED is set but " + folder.toAbsolutePath().normalize() + " is not a folder");
        }
        assumeTrue(Files.isDirectory(folder), "no shared fixtures in this checkout (" + folder + ")");
        return folder;
    }

    /** Whether the shared fixtures are there, for a test that falls back to the project's own. */
    public static boolean present(String relative) {
        boolean present = Files.isDirectory(ROOT.resolve(relative));
        if (!present && required()) {
            fail("CAIRN_FIXTURES_REQUIRED is set but " + ROOT.resolve(relative).toAbsolutePath().normalize()
                    + " is not a folder");
        }
        return present;
    }

    private static boolean required() {
        return "1".equals(System.getenv("CAIRN_FIXTURES_REQUIRED"));
    }
}
