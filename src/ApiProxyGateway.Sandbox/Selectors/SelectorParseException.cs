namespace ApiProxyGateway.Sandbox.Selectors;

/// <summary>A label or field selector the client sent is malformed or names an unsupported field (a 400 BadRequest).</summary>
internal sealed class SelectorParseException(string message) : Exception(message);
