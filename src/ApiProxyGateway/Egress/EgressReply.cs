using System.Text;
using ApiProxyGateway.Protocols.Konnectivity;

namespace ApiProxyGateway.Egress;

/// <summary>
/// What a Konnectivity server or agent says (a DIAL_RSP or CLOSE_RSP error, an HTTP CONNECT refusal): untrusted
/// text that ends up in a Status message the user reads. The one place it is bounded, made printable and classified.
/// </summary>
internal static class EgressReply
{
    /// <summary>The most of a server's or agent's words a message carries.</summary>
    public const int MaxText = 512;

    /// <summary>
    /// The server's text made safe for a message: control characters and line breaks become spaces, runs of space
    /// one, at most <paramref name="max"/> characters.
    /// </summary>
    public static string Printable(string text, int max = MaxText)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(Math.Min(text.Length, max));
        foreach (var c in text)
        {
            var printable = char.IsControl(c) || char.IsWhiteSpace(c) || char.IsSurrogate(c) ? ' ' : c;
            if (!(printable == ' ' && (builder.Length == 0 || builder[^1] == ' ')))
            {
                builder.Append(printable);
            }

            if (builder.Length == max)
            {
                break;
            }
        }

        return builder.ToString().TrimEnd();
    }

    /// <summary>
    /// What a dial error from the server means: konnectivity-server says "No agent available" (its ErrNotFound) when
    /// no agent serves the destination, over gRPC in DIAL_RSP and over HTTP CONNECT after "currently no tunnels
    /// available: "; and "timed out waiting for backend dial" when the agent did not answer it in time.
    /// </summary>
    public static EgressFailure Classify(string error) =>
        error.Contains(KonnectivityMetadata.NoAgentAvailable, StringComparison.OrdinalIgnoreCase) ? EgressFailure.NoAgent
        : error.Contains(KonnectivityMetadata.BackendDialTimeout, StringComparison.OrdinalIgnoreCase) ? EgressFailure.TimedOut
        : EgressFailure.Refused;
}
