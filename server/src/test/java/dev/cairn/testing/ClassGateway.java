package dev.cairn.testing;

import dev.cairn.identity.Authenticator;
import dev.cairn.server.Gateway;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link TestGateway} for one test class: started before the class's {@code @BeforeAll} methods,
 * closed (with everything it made) after its {@code @AfterAll} methods. Declared as
 * <pre>
 * &#64;RegisterExtension
 * static final ClassGateway gateway = ClassGateway.start();
 * private static final Http http = gateway.http();
 * </pre>
 * so a class says what it needs instead of repeating the start and stop methods.
 */
public final class ClassGateway implements BeforeAllCallback, AfterAllCallback {

    private final Map<String, String> env;
    private final Consumer<Authenticator.Builder> identity;
    private final Http http = new Http(() -> running().port());
    private TestGateway gateway;

    private ClassGateway(Map<String, String> env, Consumer<Authenticator.Builder> identity) {
        this.env = Map.copyOf(env);
        this.identity = identity;
    }

    public static ClassGateway start() {
        return new ClassGateway(Map.of(), identity -> { });
    }

    /** With these settings on top of the test defaults (see {@link TestGateway#start(Map)}). */
    public static ClassGateway start(Map<String, String> env) {
        return new ClassGateway(env, identity -> { });
    }

    /** With these settings, and more for its authenticator (providers, the client certificates' mapping). */
    public static ClassGateway start(Map<String, String> env, Consumer<Authenticator.Builder> identity) {
        return new ClassGateway(env, identity);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        gateway = TestGateway.start(env, identity);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (gateway != null) {
            gateway.close();
        }
    }

    /** A client of this gateway; usable as a static field, since it finds the port when it sends. */
    public Http http() {
        return http;
    }

    public int port() {
        return running().port();
    }

    public Gateway gateway() {
        return running().gateway();
    }

    public String controlDatabase() {
        return running().controlDatabase();
    }

    public String platform() {
        return running().platform();
    }

    public TestGateway sibling() {
        return running().sibling();
    }

    /** A second instance with settings of its own (usually the same ones as this one's). */
    public TestGateway sibling(Map<String, String> overrides) {
        return running().sibling(overrides);
    }

    private TestGateway running() {
        if (gateway == null) {
            throw new IllegalStateException("the class's gateway starts before its @BeforeAll methods; not yet");
        }
        return gateway;
    }
}
