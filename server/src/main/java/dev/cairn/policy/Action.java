package dev.cairn.policy;

import java.util.Optional;

/** What a request asks to do, as far as who may do it is concerned. */
public sealed interface Action {

    /** An operator's route ({@code /admin/*} but database creation): the admin token only. */
    record Administer() implements Action {
    }

    /**
     * A data-API request on one entity of a platform: the platform's token and the admin token may
     * do anything the settings expose; a JWT what the settings' role rules allow its roles.
     */
    record UseData(dev.cairn.entity.DataApiSettings settings, String entity, dev.cairn.entity.DataApiSettings.Verb verb)
            implements Action {
    }

    /**
     * {@code /call} on one of a platform's databases: no credentials (the network allow-list is the
     * gate, as in the StoneScript gateway), the admin token, or the platform's own token; a JWT of
     * that platform, and of that tenant when it names one.
     *
     * @param tenant the tenant whose database is called; empty for the main or a schema database
     */
    record CallFunction(String platform, Optional<String> tenant) implements Action {
    }

    /** A platform's schema, database or job route: the platform's own token, the admin's, or the network. */
    record ActForPlatform(String platform) implements Action {
    }

    /**
     * An upstream playbook: running it ({@code execute}), reading its runs ({@code view}) or changing
     * it ({@code edit}). The admin token and the platform's token may; a user (JWT or session) what
     * the playbook rules allow its roles.
     */
    record UsePlaybook(String path, String permission) implements Action {
    }

    /** The realm mesh's administrative routes (realms, members, contracts, policies, bridges, {@code /monitor}). */
    record AdministerRealms() implements Action {
    }

    /**
     * One realm acting on a capability of another: a mesh member calling a service, subscribing to or
     * publishing an event, recruiting for a loop. Decided by the realms' capability-access rules.
     */
    record UseCapability(String fromRealm, String toRealm, String capability, RealmRules.Operation operation)
            implements Action {
    }
}
