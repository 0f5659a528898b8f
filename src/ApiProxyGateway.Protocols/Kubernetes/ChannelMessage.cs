namespace ApiProxyGateway.Protocols.Kubernetes;

/// <summary>
/// One message of the WebSocket channel protocols: data for <see cref="Channel"/>, or (v5 only) the close
/// signal that says the sender will write no more on <see cref="Channel"/>.
/// </summary>
public readonly record struct ChannelMessage(byte Channel, ReadOnlyMemory<byte> Data, bool IsCloseSignal);
