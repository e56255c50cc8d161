package dev.cairn.data;

import dev.cairn.identity.Principal;
import java.util.function.Supplier;

/**
 * What every face turns its input into: who asks, where, and what. The principal is resolved on
 * first use (once per request, by the face's identity memo), so an operation whose policy needs no
 * credentials never reads them.
 */
public record Request(Supplier<Principal> principal, Target target, Operation operation) {
}
