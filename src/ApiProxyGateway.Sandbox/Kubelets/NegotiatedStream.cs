namespace ApiProxyGateway.Sandbox.Kubelets;

/// <summary>The transport a streaming request negotiated: a WebSocket or SPDY/3.1, and the sub-protocol ("" is none).</summary>
internal sealed record NegotiatedStream(bool IsWebSocket, string Protocol);
