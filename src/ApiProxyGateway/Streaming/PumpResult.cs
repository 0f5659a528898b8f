namespace ApiProxyGateway.Streaming;

/// <summary>How a relayed stream ended and how much it carried in each direction.</summary>
internal sealed record PumpResult(long BytesFromClient, long BytesToClient, string EndedBy);
