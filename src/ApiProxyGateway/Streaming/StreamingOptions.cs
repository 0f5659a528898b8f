namespace ApiProxyGateway.Streaming;

/// <summary>Limits of the streams the gateway relays (section <c>Streaming</c>).</summary>
internal sealed record StreamingOptions
{
    public const string SectionName = "Streaming";

    /// <summary>
    /// A stream (logs -f, exec, attach, port-forward) with no data in either direction for this long is closed.
    /// Default 4 hours, the kubelet's <c>streamingConnectionIdleTimeout</c>.
    /// </summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromHours(4);

    /// <summary>Longest a translated stream waits for the kubelet's side to be ready. Default 30 s, as the kubelet.</summary>
    public TimeSpan StreamCreationTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
