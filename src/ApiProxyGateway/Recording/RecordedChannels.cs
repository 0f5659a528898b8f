namespace ApiProxyGateway.Recording;

internal static class RecordedChannels
{
    /// <summary>
    /// Whether the client (or else the kubelet) is the side that sends <paramref name="channel"/>: stdin and resizes come
    /// from the client, output and the error from the kubelet. Data a side sends on another side's channel reaches no
    /// one (the kubelet drops it), so a recording must not show it.
    /// </summary>
    public static bool Sends(RecordedChannel channel, bool fromClient) =>
        fromClient == channel is RecordedChannel.Stdin or RecordedChannel.Resize;
}
