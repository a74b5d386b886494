package io.raftkv.loadgen;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Opens a target from its URI: {@code etcd://host:port[,host:port…]} (etcd through jetcd),
 * {@code raftkv://host:port[,host:port…]} (RaftKV through its Java client) or {@code mem://} (an in-process map,
 * which measures the generator alone).
 */
public final class BenchTargets {
    private BenchTargets() {
    }

    public static BenchTarget open(String uri, int connections) {
        int sep = uri.indexOf("://");
        if (sep <= 0) {
            throw new IllegalArgumentException("--target must look like etcd://host:port, raftkv://host:port or "
                    + "mem://, got '" + uri + "'");
        }
        String scheme = uri.substring(0, sep).toLowerCase(Locale.ROOT);
        String rest = uri.substring(sep + 3);
        return switch (scheme) {
            case "etcd" -> EtcdTarget.open(endpoints(uri, rest), connections);
            case "mem" -> new InMemoryTarget(connections);
            case "raftkv" -> RaftKvTarget.open(endpoints(uri, rest), connections);
            default -> throw new IllegalArgumentException("unknown target scheme '" + scheme + "' in '" + uri
                    + "': use etcd://, raftkv:// or mem://");
        };
    }

    /** Parses {@code host:port[,host:port…]}; each port must be 1..65535. */
    static List<HostAndPort> endpoints(String uri, String list) {
        List<HostAndPort> out = new ArrayList<>();
        for (String part : list.split(",")) {
            String p = part.strip();
            if (p.endsWith("/")) {
                p = p.substring(0, p.length() - 1);
            }
            int colon = p.lastIndexOf(':');
            if (colon <= 0 || colon == p.length() - 1) {
                throw new IllegalArgumentException("endpoint '" + part + "' in '" + uri + "' is not host:port");
            }
            int port;
            try {
                port = Integer.parseInt(p.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("endpoint '" + part + "' in '" + uri + "' has no numeric port");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("endpoint '" + part + "' in '" + uri + "': port out of range");
            }
            out.add(new HostAndPort(p.substring(0, colon), port));
        }
        return out;
    }

    /** One server address. */
    public record HostAndPort(String host, int port) {
        @Override
        public String toString() {
            return host + ":" + port;
        }
    }
}
