package dev.cairn.cli;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One real gateway for every test class that asks for a {@link ServerProcess} parameter: a start
 * costs seconds, and tests keep apart through platform names of their own. It lives in the root
 * store, which closes it (stopping it and dropping what it made) when the run ends.
 */
final class SharedServer implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedServer.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == ServerProcess.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .computeIfAbsent("server", key -> ServerProcess.start(), ServerProcess.class);
    }
}
