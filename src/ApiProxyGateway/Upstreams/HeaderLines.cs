using System.Net.Http.Headers;

namespace ApiProxyGateway.Upstreams;

/// <summary>
/// HttpClient writes the values of a repeated header as one comma-joined line, but Kubernetes reads
/// <c>Impersonate-Group</c>, <c>Impersonate-Extra-*</c> (and old kubelets <c>X-Stream-Protocol-Version</c>) one
/// value per line, so a group named "a, b" or two groups would be misread. Such headers are added as uniquely
/// named placeholder lines that <see cref="HeaderLineSplittingStream"/> turns back into real lines on the wire.
/// </summary>
internal static class HeaderLines
{
    public const string PlaceholderPrefix = "X-Apg-Line-";

    /// <summary>Adds <paramref name="name"/>: <paramref name="value"/> as its own header line.</summary>
    public static void Add(HttpRequestHeaders headers, string name, string value)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var index = 0;
        while (headers.Contains(PlaceholderPrefix + index.ToString(System.Globalization.CultureInfo.InvariantCulture)))
        {
            index++;
        }

        headers.TryAddWithoutValidation(
            PlaceholderPrefix + index.ToString(System.Globalization.CultureInfo.InvariantCulture),
            name + ": " + value);
    }

    /// <summary>True for a header name a client must never be able to send (it would become a real header).</summary>
    public static bool IsPlaceholder(string headerName) =>
        headerName.StartsWith(PlaceholderPrefix, StringComparison.OrdinalIgnoreCase);
}
