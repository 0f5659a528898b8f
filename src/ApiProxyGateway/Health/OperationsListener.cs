using Microsoft.AspNetCore.Connections.Features;

namespace ApiProxyGateway.Health;

/// <summary>
/// Marks the connections that arrive on the operations listener, so the pipeline can tell them apart from the
/// API port by the socket they came in on — not by a Host header a client could forge.
/// </summary>
internal static class OperationsListener
{
    private static readonly object Marker = new();

    public static void MarkConnections(Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions listen)
    {
        ArgumentNullException.ThrowIfNull(listen);
        listen.Use(next => connection =>
        {
            connection.Items[Marker] = true;
            return next(connection);
        });
    }

    public static bool IsOperations(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<IConnectionItemsFeature>()?.Items.ContainsKey(Marker) == true;
    }
}
