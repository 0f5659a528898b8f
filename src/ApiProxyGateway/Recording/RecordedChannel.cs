namespace ApiProxyGateway.Recording;

/// <summary>The streams of an exec or attach, as a recording keeps them.</summary>
internal enum RecordedChannel
{
    Stdin,
    Stdout,
    Stderr,

    /// <summary>The kubelet's Status (or error text) at the end.</summary>
    Error,

    /// <summary>Terminal size changes: <c>{"Width":W,"Height":H}</c> messages.</summary>
    Resize,
}
