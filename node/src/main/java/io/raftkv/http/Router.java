package io.raftkv.http;

import org.eclipse.jetty.http.HttpMethod;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The one routing mechanism of the HTTP port. A route is an exact path ({@code /healthz} serves only
 * {@code /healthz}: no prefix matching, no trailing slash) or a path prefix ending in {@code /} whose remainder
 * is the route's parameter ({@code /v1/kv/{key}}, passed on still percent-encoded). Every route answers:
 * <ul>
 *   <li>HEAD wherever it answers GET (same status and headers, no body);</li>
 *   <li>OPTIONS with 204 and {@code Allow};</li>
 *   <li>any other method with 405, {@code Allow} and a JSON body.</li>
 * </ul>
 * A path no route serves is a JSON 404. Built once before the server starts, then only read.
 */
final class Router {

    /** A route's handler; {@code param} is the raw remainder of a prefix route ("" for an exact route). */
    interface Handler {
        void handle(Exchange ex, String param) throws Exception;
    }

    private final Map<String, Map<HttpMethod, Handler>> exact = new LinkedHashMap<>();
    private final Map<String, Map<HttpMethod, Handler>> prefixes = new LinkedHashMap<>();
    private final Map<String, String> patterns = new LinkedHashMap<>();

    Router exact(String path, HttpMethod method, Handler handler) {
        exact.computeIfAbsent(path, p -> new EnumMap<>(HttpMethod.class)).put(method, handler);
        return this;
    }

    /** @param pattern a prefix ending in '/' and a parameter name in braces, e.g. {@code /v1/kv/{key}} */
    Router prefix(String pattern, HttpMethod method, Handler handler) {
        int brace = pattern.indexOf('{');
        if (brace < 1 || pattern.charAt(brace - 1) != '/' || !pattern.endsWith("}")) {
            throw new IllegalArgumentException("a prefix route looks like /path/{name}: " + pattern);
        }
        prefixes.computeIfAbsent(pattern.substring(0, brace), p -> new EnumMap<>(HttpMethod.class))
                .put(method, handler);
        patterns.put(pattern.substring(0, brace), pattern);
        return this;
    }

    /** Finds the route and runs it; throws {@link HttpError} for 404 and 405 (and whatever the handler throws). */
    void dispatch(Exchange ex) throws Exception {
        String path = ex.rawPath();
        Map<HttpMethod, Handler> methods = exact.get(path);
        String param = "";
        if (methods == null) {
            for (Map.Entry<String, Map<HttpMethod, Handler>> p : prefixes.entrySet()) {
                if (path.startsWith(p.getKey())) {
                    methods = p.getValue();
                    param = path.substring(p.getKey().length());
                    break;
                }
            }
        }
        if (methods == null) {
            throw new HttpError(404, "NOT_FOUND", "no such path: " + path + " (paths: " + paths() + ")");
        }
        HttpMethod method = HttpMethod.fromString(ex.method());
        Handler handler = method == null ? null : methods.get(method);
        if (handler == null && method == HttpMethod.HEAD) {
            handler = methods.get(HttpMethod.GET);
        }
        if (handler == null) {
            if (method == HttpMethod.OPTIONS) {
                ex.sendNoContent(Map.of("Allow", allow(methods)));
                return;
            }
            throw HttpError.methodNotAllowed(ex.method(), path, allow(methods));
        }
        handler.handle(ex, param);
    }

    private static String allow(Map<HttpMethod, Handler> methods) {
        TreeSet<String> names = methods.keySet().stream().map(Enum::name).collect(Collectors.toCollection(TreeSet::new));
        if (names.contains("GET")) {
            names.add("HEAD");
        }
        names.add("OPTIONS");
        return String.join(", ", names);
    }

    private String paths() {
        List<String> all = new ArrayList<>(exact.keySet());
        all.addAll(patterns.values());
        return String.join(", ", all);
    }
}
