namespace ApiProxyGateway.Protocols;

internal static class Placeholder;
