namespace ApiProxyGateway.Protocols.Kubernetes;

/// <summary>A resize event; on the wire <c>{"Width":w,"Height":h}</c> (client-go remotecommand.TerminalSize).</summary>
public readonly record struct TerminalSize(ushort Width, ushort Height);
