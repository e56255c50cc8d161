package dev.cairn.api;

/**
 * The route a request was routed to: its method and path template ({@code /platform/{platform}/schema}),
 * registered in the request context by {@link RouteTable}. Requests no route took have none.
 */
record MatchedRoute(String method, String template) {
}
