package dev.cairn.deploy;

/**
 * A routine as PostgreSQL defined it, read back from {@code pg_proc} after its statement ran.
 *
 * @param signature         {@code schema.name(argument types)}: what {@code DROP FUNCTION} needs
 * @param identityArguments {@code pg_get_function_identity_arguments}, names included
 * @param kind              {@code function} or {@code procedure}
 */
record DeployedFunction(String signature, String schema, String name, String kind, String identityArguments,
                        String result, String checksum, String file) {
}
