package dev.cairn.policy;

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

    /** A platform's schema, database or job route: the platform's own token, the admin's, or the network. */
    record ActForPlatform(String platform) implements Action {
    }
}
